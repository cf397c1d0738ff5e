import { z } from 'zod';

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) carried in a job's data, so that the consumer's span
 * continues the producer's trace: one trace from the HTTP request to every model call. Optional: a job without it
 * (or from before it existed) starts a new trace.
 */
export const traceCarrierSchema = z.object({
  traceparent: z.string().regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/, 'a W3C traceparent'),
  tracestate: z.string().max(512).optional(),
});
export type TraceCarrier = z.infer<typeof traceCarrierSchema>;
