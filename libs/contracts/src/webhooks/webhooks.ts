import { z } from 'zod';
import { SCHEMA_VERSION } from '../queues/job-payloads';
import { traceCarrierSchema } from '../queues/trace-carrier';

export const MAX_CALLBACK_URL_LENGTH = 2_048;

/**
 * `callbackUrl` of `POST /api/analyze`: where the ended analysis is POSTed. Only its shape is checked here; the
 * gateway refuses hosts that are (or resolve to) loopback, private, link-local or metadata addresses.
 */
export const callbackUrlSchema = z
  .url({ protocol: /^https?$/, error: 'callbackUrl must be an http:// or https:// URL' })
  .max(MAX_CALLBACK_URL_LENGTH, `callbackUrl must be at most ${MAX_CALLBACK_URL_LENGTH} characters`);

/** Headers of a webhook delivery. */
export const WebhookHeader = {
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the user's signing secret>` */
  Signature: 'ultra-signature',
  /** One of WebhookEvent. */
  Event: 'ultra-event',
  /** The delivery's id: the same on every attempt, so a receiver can drop repeats. */
  Delivery: 'ultra-delivery',
} as const;

export const WebhookEvent = { Completed: 'analysis.completed', Failed: 'analysis.failed' } as const;
export type WebhookEvent = (typeof WebhookEvent)[keyof typeof WebhookEvent];

/** `GET /api/webhooks/secret` (created on first read) and `POST /api/webhooks/secret` (a new one). */
export interface WebhookSecret {
  secret: string;
  /** When this secret was made; deliveries from then on are signed with it. */
  createdAt: string;
}

/** `webhook` of an analysis that has a callbackUrl: how its delivery went so far. */
export interface WebhookDeliveryView {
  url: string;
  /** Attempts made; 0 until the analysis has ended. */
  attempts: number;
  /** HTTP status of the last attempt; null before the first or when it got no answer (see lastError). */
  lastStatus: number | null;
  /** Why the last attempt failed: an HTTP status, a timeout, a refused connection or address. */
  lastError?: string;
  /** When a receiver answered 2xx; no attempt follows it. */
  deliveredAt: string | null;
}

/**
 * The custom BullMQ backoff of `webhook.deliver` (the results worker defines it): exponential from the job's delay,
 * each wait capped, tried for 24 h.
 */
export const WEBHOOK_BACKOFF_TYPE = 'webhook';

/** webhooks queue: POST the ended analysis to its callbackUrl, looked up by id, signed with its user's secret. */
export const webhookDeliverJob = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  analysisId: z.uuid(),
  requestId: z.string().min(1).max(200),
  traceContext: traceCarrierSchema.optional(),
  deliveryId: z.uuid(),
});
export type WebhookDeliverJob = z.infer<typeof webhookDeliverJob>;
