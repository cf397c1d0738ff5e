import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
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

let started = false;

function releaseOf(config: TelemetryConfig): string {
  if (config.SENTRY_RELEASE) return config.SENTRY_RELEASE;
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
  return `ultra@${manifest.version}`;
}

/** HTTP and fetch: they carry the trace context between services and give every request its trace id. */
function httpInstrumentations() {
  return [
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
}

/**
 * The full SDK, its exporters configured by the OTEL_* variables, and Redis and Postgres spans. Loaded only when
 * spans are exported: with all its exporters it adds about 2 s to a process's start.
 */
function startExporting(serviceName: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see above */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [
      ...httpInstrumentations(),
      // Only the command name: keys and arguments hold users' prompts and answers. BullMQ's polling is left out.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command: string) => command }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
    // Traces only: metrics are Prometheus' (prom-client), logs are pino's on stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  onTelemetryFlush(() => sdk.shutdown());
}

/**
 * No exporter: a tracer that samples nothing, so every request and job still gets a trace id, propagated between
 * services (W3C headers, job data), for logs, error bodies and Sentry. Redis and Postgres are not instrumented:
 * unrecorded spans would cost every command for nothing.
 */
function startIdsOnly(): void {
  new NodeTracerProvider({ sampler: new AlwaysOffSampler() }).register();
  registerInstrumentations({ instrumentations: httpInstrumentations() });
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
  if (started) return;
  started = true;
  const config = loadTelemetryConfig(service);
  startSentry(service, releaseOf(config), config);
  onTelemetryFlush(closeSentry);
  if (config.OTEL_SDK_DISABLED) return;
  if (exportsTraces(config)) startExporting(config.OTEL_SERVICE_NAME ?? `ultra-${service}`);
  else startIdsOnly();
}
