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

export function registerHealth(registry: OpenAPIRegistry): void {
  const report = healthReport(['redis', 'database']).meta({ id: 'HealthReport' });
  const readiness = healthReport(['redis', 'database', 'results']).meta({ id: 'ReadinessReport' });
  addRoute(registry, {
    method: 'get',
    path: '/api/health',
    tag,
    public: true,
    summary: 'Health of the gateway and its dependencies',
    success: { status: 200, description: 'Every dependency answers.', schema: report },
    responses: {
      503: {
        description: 'A dependency is down (named in `checks`).',
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
