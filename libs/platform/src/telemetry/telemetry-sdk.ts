import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { SECRET_QUERY } from '../logging/log-hygiene';
import { exportsTraces, loadTelemetryConfig, type TelemetryConfig } from '../config/telemetry.config';
import { closeSentry, startSentry } from './sentry-reporter';
import { onTelemetryFlush } from './telemetry-flush';

/** Probes and scrapes are not traced: they would bury the requests in noise. */
const UNTRACED_PATHS = /^\/(metrics|health|api\/health|internal\/health)(\/|\?|$)/;

/** Credentials in query strings: Ultra's own (SSE `?token=`) and the ones cloud URLs carry. */
const REDACTED_QUERY = [...SECRET_QUERY, 'sig', 'signature', 'X-Goog-Signature', 'AWSAccessKeyId', 'X-Amz-Signature'];

/** fetch's url.full and url.query with credentials replaced, as the http instrumentation does by itself. */
function redactedUrl(request: { origin: string; path: string }): Record<string, string> {
  try {
    const url = new URL(request.path, request.origin);
    for (const name of REDACTED_QUERY) if (url.searchParams.has(name)) url.searchParams.set(name, 'REDACTED');
    return { 'url.full': url.toString(), 'url.query': url.search };
  } catch {
    return {};
  }
}

let sdk: NodeSDK | undefined;

function releaseOf(config: TelemetryConfig): string {
  if (config.SENTRY_RELEASE) return config.SENTRY_RELEASE;
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
  return `ultra@${manifest.version}`;
}

/**
 * HTTP and fetch always: they carry the trace context between services and give every request its trace id. Redis
 * and Postgres spans only when spans are exported: unrecorded, they would cost every command for nothing.
 */
function instrumentations(exporting: boolean) {
  const http = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? '/'),
      // Outgoing calls outside any request or job (a background probe) would each start a trace of their own.
      requireParentforOutgoingSpans: true,
      redactedQueryParams: REDACTED_QUERY,
      redactedQueryParamsServer: REDACTED_QUERY,
    }),
    // fetch: the provider SDKs, the gateway's calls to results, webhooks.
    new UndiciInstrumentation({ requireParentforSpans: true, startSpanHook: redactedUrl }),
  ];
  if (!exporting) return http;
  return [
    ...http,
    // Only the command name: keys and arguments hold users' prompts and answers. BullMQ's polling is left out.
    new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command: string) => command }),
    new PgInstrumentation({ requireParentSpan: true }),
  ];
}

/**
 * Starts tracing and error reporting for `service`. Must run before anything else is loaded (each service's
 * instrument.ts is the first import of its main.ts), so that http, undici, ioredis and pg are patched as they load.
 *
 * Spans are recorded and exported only when an OTLP endpoint (or OTEL_TRACES_EXPORTER) is configured. Without one
 * a tracer still runs that samples nothing: every request and job still gets a trace id (for the logs, error bodies
 * and Sentry), propagated between services, at the cost of id generation only.
 */
export function startTelemetry(service: string): void {
  if (sdk) return;
  const config = loadTelemetryConfig(service);
  const release = releaseOf(config);
  startSentry(service, release, config);
  onTelemetryFlush(closeSentry);
  if (config.OTEL_SDK_DISABLED) return;
  const exporting = exportsTraces(config);
  const quiet = exporting
    ? {}
    : { spanProcessors: [new tracing.NoopSpanProcessor()], sampler: new tracing.AlwaysOffSampler() };
  sdk = new NodeSDK({
    serviceName: config.OTEL_SERVICE_NAME ?? `ultra-${service}`,
    instrumentations: instrumentations(exporting),
    // Traces only: metrics are Prometheus' (prom-client), logs are pino's on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    ...quiet,
  });
  sdk.start();
  const started = sdk;
  onTelemetryFlush(() => started.shutdown());
}
