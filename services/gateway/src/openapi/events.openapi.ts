import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { PushEventType } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const tag = 'events';

const eventTypes = Object.values(PushEventType) as [string, ...string[]];

/** The `data:` of every SSE message: the event's JSON. The fields beyond these depend on `type` (see README). */
const pushEvent = z
  .object({
    type: z.enum(eventTypes),
    analysisId: z.uuid(),
    at: z.iso.datetime(),
  })
  .catchall(z.unknown())
  .meta({ id: 'PushEvent' });

export function registerEvents(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'get',
    path: '/api/analyses/{id}/events',
    tag,
    streamToken: true,
    summary: "An analysis' live progress as Server-Sent Events",
    description:
      'Messages `id: <event id>`, `event: <type>`, `data: <PushEvent JSON>`, in order: analysis.started, then per ' +
      'stage run stage.started, output.delta / output.retrying / output.completed / output.failed, ' +
      'aggregate.completed, stage.completed, and last analysis.completed or analysis.failed, after which the ' +
      'stream closes. `Last-Event-ID` (header) or `lastEventId` (query) replays exactly the events after it. A ' +
      "`: heartbeat` comment comes every SSE_HEARTBEAT_MS while nothing happens. Another user's analysis is 404.",
    query: z.object({
      token: z.string().optional().meta({ description: 'A stream token (POST /api/analyses/{id}/stream-token).' }),
      lastEventId: z.string().optional().meta({ description: 'Resume after this event id.' }),
    }),
    headers: z.object({
      'last-event-id': z
        .string()
        .optional()
        .meta({ description: 'Resume after this event id (EventSource sends it).' }),
    }),
    success: {
      status: 200,
      description: 'The event stream.',
      content: { 'text/event-stream': { schema: pushEvent } },
    },
    errors: ['analysis_not_found'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/analyses/{id}/stream-token',
    tag,
    summary: "A short-lived token for this analysis' event stream",
    description:
      "For browsers' EventSource, which cannot send headers: pass it as `?token=`. Valid STREAM_TOKEN_TTL_S (60 s) for this analysis only.",
    success: {
      status: 200,
      description: 'The token.',
      schema: z.object({ token: z.string(), expiresAt: z.iso.datetime() }).meta({ id: 'StreamToken' }),
    },
    errors: ['analysis_not_found'],
  });
}
