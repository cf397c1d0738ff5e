import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { WebhookSecret } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const tag = 'webhooks';

const webhookSecret = z
  .object({
    secret: z.string().meta({ description: 'The HMAC-SHA256 key of `ultra-signature`.', example: 'whsec_…' }),
    createdAt: z.string().meta({ description: 'When this secret was made (ISO 8601, UTC).' }),
  })
  .meta({ id: 'WebhookSecret' }) satisfies z.ZodType<WebhookSecret>;

const signing =
  'Deliveries of the caller’s analyses (`callbackUrl` of POST /api/analyze) carry ' +
  '`ultra-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with this secret>`, ' +
  '`ultra-event: analysis.completed|analysis.failed` and `ultra-delivery: <id>` (the same on every attempt).';

export function registerWebhooks(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'get',
    path: '/api/webhooks/secret',
    tag,
    summary: 'The caller’s webhook signing secret (made on first read)',
    description: signing,
    success: { status: 200, description: 'The secret.', schema: webhookSecret },
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/webhooks/secret',
    tag,
    summary: 'Rotate the webhook signing secret',
    description: `Replaces the secret at once: every delivery signed from now on, retries included, uses the new one. ${signing}`,
    success: { status: 200, description: 'The new secret.', schema: webhookSecret },
  });
}
