import type { ErrorEvent } from '@sentry/node';
import type { TelemetryConfig } from '../config/telemetry.config';
import { activeTraceIds } from './trace-context';

/** The SDK, once SENTRY_DSN started it; loaded on demand: requiring it adds over a second to a process's start. */
let sentry: typeof import('@sentry/node') | undefined;

/** Credentials as they show up inside free text (error messages, stack frames): replaced before an event leaves. */
const SECRET_TEXT: [RegExp, string][] = [
  [/\bBearer\s+[^\s"',;]+/gi, 'Bearer [redacted]'],
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g, '[redacted jwt]'],
  [/\bultra_sk_[\w-]+/g, '[redacted key]'],
  [/\b(sk|pk|rk)-[\w-]{8,}/g, '[redacted key]'],
  [/\bAIza[\w-]{20,}/g, '[redacted key]'],
  [/([?&](?:token|access_token|api_key|key|password)=)[^&\s"']+/gi, '$1[redacted]'],
  [/(postgres(?:ql)?|rediss?):\/\/[^@\s/]+@/gi, '$1://[redacted]@'],
];

export function scrubText(text: string): string {
  return SECRET_TEXT.reduce((value, [pattern, replacement]) => value.replace(pattern, replacement), text);
}

/**
 * The last word on what leaves for Sentry: the error's type, scrubbed message and stack, and Ultra's ids. No request
 * (headers carry credentials, bodies carry prompts), no breadcrumbs, no local variables, no extra data.
 */
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  delete event.request;
  delete event.breadcrumbs;
  delete event.extra;
  delete event.user;
  if (event.message) event.message = scrubText(event.message);
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = scrubText(exception.value);
    for (const frame of exception.stacktrace?.frames ?? []) {
      delete frame.vars;
      delete frame.pre_context;
      delete frame.context_line;
      delete frame.post_context;
    }
  }
  return event;
}

/** Reports to Sentry when SENTRY_DSN is set; without it nothing is initialised and nothing is sent. */
export function startSentry(service: string, release: string, config: TelemetryConfig): void {
  if (!config.SENTRY_DSN) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  const Sentry = require('@sentry/node') as typeof import('@sentry/node');
  Sentry.init({
    dsn: config.SENTRY_DSN,
    release,
    environment: config.SENTRY_ENVIRONMENT ?? 'production',
    // Ultra runs OpenTelemetry itself (telemetry-sdk.ts); Sentry only receives errors, and patches no modules.
    enableOpenTelemetrySetup: false,
    enableRuntimeChannelInjection: false,
    tracesSampleRate: 0,
    // Nothing of a user's: no user fields, cookies, headers, query strings, bodies, model inputs or outputs.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      genAI: { inputs: false, outputs: false },
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
      frameContextLines: 0,
    },
    // Only what reports crashes; the defaults would add request data, breadcrumbs of HTTP calls and console lines.
    defaultIntegrations: false,
    integrations: [
      Sentry.onUncaughtExceptionIntegration(),
      // Node's own behaviour for an unhandled rejection is to crash; a handler must not change that.
      Sentry.onUnhandledRejectionIntegration({ mode: 'strict' }),
      Sentry.linkedErrorsIntegration(),
      Sentry.dedupeIntegration(),
    ],
    initialScope: { tags: { service } },
    beforeSend: (event) => scrubEvent(withTrace(event)),
  });
  sentry = Sentry;
}

/** Errors that escape every handler carry the trace of the span they escaped from, when there is one. */
function withTrace(event: ErrorEvent): ErrorEvent {
  const ids = activeTraceIds();
  if (ids && !event.tags?.trace_id) event.tags = { ...event.tags, trace_id: ids.traceId };
  return event;
}

export interface ErrorContext {
  requestId?: string;
  /** Where it happened: a route, or a queue job's name. */
  where?: string;
}

/** Reports an unexpected exception with the request id and the active trace; a no-op without SENTRY_DSN. */
export function reportException(error: unknown, context: ErrorContext = {}): void {
  if (!sentry) return;
  const ids = activeTraceIds();
  const tags: Record<string, string> = {};
  if (context.requestId) tags.request_id = context.requestId;
  if (context.where) tags.where = context.where;
  if (ids) tags.trace_id = ids.traceId;
  sentry.captureException(error, {
    tags,
    ...(ids && { contexts: { trace: { trace_id: ids.traceId, span_id: ids.spanId } } }),
  });
}

export async function closeSentry(timeoutMs: number): Promise<void> {
  if (sentry) await sentry.close(timeoutMs);
}
