import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { addRoute } from './api-route';

const check = z.enum(['up', 'down']);
const healthReport = (checks: string[]) =>
  z.object({
    status: z.enum(['ok', 'error']),
    checks: z.object(Object.fromEntries(checks.map((name) => [name, check]))),
  });
const tag = 'health';

const instanceHealth = z.object({
  instance: z.string().meta({ description: '`hostname:pid` of the process.' }),
  status: z.enum(['ok', 'error']).meta({ description: 'Its own readiness, as its `ready` probe would answer.' }),
  checks: z.record(z.string(), check),
  at: z.string().meta({ description: 'When it last reported (ISO 8601, its clock).' }),
});
const serviceHealth = z.object({
  status: z.enum(['ok', 'not_ready', 'missing', 'unknown']).meta({
    description:
      '`ok`: an instance is ready; `not_ready`: instances report, none ready; `missing`: none reported within ' +
      'three heartbeat intervals; `unknown`: Redis could not be read.',
  }),
  ready: z.number().int().meta({ description: 'How many of `instances` are ready.' }),
  instances: z.array(instanceHealth),
});

export function registerHealth(registry: OpenAPIRegistry): void {
  const report = healthReport(['redis', 'database'])
    .extend({
      services: z.record(z.string(), serviceHealth).meta({
        description:
          'Every service of the installation, from the heartbeat each instance writes to Redis every ' +
          '`HEALTH_HEARTBEAT_MS`: orchestrator, provider-worker and results always, then any other seen (gateway).',
      }),
    })
    .meta({ id: 'HealthReport' });
  const readiness = healthReport(['redis', 'database', 'results']).meta({ id: 'ReadinessReport' });
  addRoute(registry, {
    method: 'get',
    path: '/api/health',
    tag,
    public: true,
    summary: 'Health of the installation: the gateway and every service',
    success: {
      status: 200,
      description:
        "The gateway's Redis and database answer, and orchestrator, provider-worker and results each have a ready " +
        'instance.',
      schema: report,
    },
    responses: {
      503: {
        description:
          'A dependency of the gateway is down (named in `checks`), or a service has no ready instance (its `status` ' +
          'in `services`). `/api/health/ready` is the probe of this gateway alone.',
        content: { 'application/json': { schema: report } },
      },
    },
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/health/live',
    tag,
    public: true,
    summary: 'Liveness: the process answers; consults nothing',
    success: { status: 200, description: 'Alive.', schema: z.object({ status: z.literal('ok') }) },
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/health/ready',
    tag,
    public: true,
    summary: 'Readiness: Redis, the database and the results service',
    success: { status: 200, description: 'Ready to serve.', schema: readiness },
    responses: {
      503: {
        description: 'Not ready (the failing check is `down`).',
        content: { 'application/json': { schema: readiness } },
      },
    },
  });
}
