import { z } from 'zod';
import { booleanish, ConfigValidationError, loadConfig } from './config';

/**
 * What tracing and error reporting read, validated once when a service starts (before anything else loads). The
 * OTEL_* names are OpenTelemetry's own: the SDK reads the rest of them (protocol, headers, sampler, batch sizes)
 * itself. These are the ones Ultra decides on.
 */
export const telemetryEnv = z.object({
  /** true: no tracing at all, not even trace ids in logs and error bodies. */
  OTEL_SDK_DISABLED: booleanish.default(false),
  /** Where spans go. With neither endpoint nor OTEL_TRACES_EXPORTER set, nothing is exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_TRACES_EXPORTER: z.string().max(200).optional(),
  /** Overrides each service's own name (ultra-gateway, ultra-orchestrator, ...); meant for one service's env. */
  OTEL_SERVICE_NAME: z.string().min(1).max(200).optional(),
  /** Unexpected exceptions go to Sentry when set. */
  SENTRY_DSN: z.url({ protocol: /^https?$/, error: 'must be an http(s) Sentry DSN' }).optional(),
  SENTRY_ENVIRONMENT: z.string().min(1).max(64).optional(),
  /** The release events are filed under; defaults to ultra@<version of the service's package>. */
  SENTRY_RELEASE: z.string().min(1).max(200).optional(),
});
export type TelemetryConfig = z.infer<typeof telemetryEnv>;

/** Whether spans leave the process: an endpoint or an explicit exporter, unless that exporter is `none`. */
export function exportsTraces(config: TelemetryConfig): boolean {
  const exporter = config.OTEL_TRACES_EXPORTER?.trim();
  if (exporter) return exporter.split(',').some((name) => name.trim() !== 'none');
  return Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Reads the telemetry settings. Runs before runService can report a bad variable, so it prints the same readable
 * list and exits with the configuration error code itself.
 */
export function loadTelemetryConfig(
  service: string,
  env: Record<string, string | undefined> = process.env,
): TelemetryConfig {
  try {
    return loadConfig(service, telemetryEnv, env);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
