import {
  type Attributes,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { type TraceCarrier, traceCarrierSchema } from '@ultra/contracts';

/** Every span Ultra makes itself comes from this tracer; the instrumentations have their own. */
const tracer = () => trace.getTracer('ultra');

export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** The trace and span in effect here, if any: for log lines, error bodies and error reports. */
export function activeTraceIds(): TraceIds | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/** The W3C trace context of the active span, for a job's data: the consumer's span continues this trace. */
export function traceCarrier(): TraceCarrier | undefined {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  if (!headers.traceparent) return undefined;
  return { traceparent: headers.traceparent, ...(headers.tracestate && { tracestate: headers.tracestate }) };
}

/** A job's trace context as it arrived; anything malformed starts a new trace rather than failing the job. */
export function contextOf(carrier: unknown) {
  const parsed = traceCarrierSchema.safeParse(carrier);
  return parsed.success ? propagation.extract(ROOT_CONTEXT, parsed.data) : ROOT_CONTEXT;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; the active context when absent. */
  parent?: ReturnType<typeof contextOf>;
  /**
   * Throws that must not mark the span failed again: control flow (BullMQ's DelayedError), or a failure `fn`
   * recorded on the span itself.
   */
  skipFailure?: (error: unknown) => boolean;
}

/**
 * Runs `fn` inside a new active span: what it awaits (Redis, Postgres, HTTP, further jobs) becomes the span's
 * children. A throw marks the span as failed and is rethrown; the span ends either way.
 */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        if (!options.skipFailure?.(error)) failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks a span as failed by `error`, with its type as `error.type` (OpenTelemetry's convention). */
export function failSpan(span: Span, error: unknown, type?: string): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setAttribute('error.type', type ?? exception.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

export { SpanKind };
export type { Span } from '@opentelemetry/api';
