import type { FastifyInstance } from 'fastify';
import { histogramOf, metricsRegistry } from './metrics-registry';

export const METRICS_PATH = '/metrics';

/** The Prometheus text of every metric of this process. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const registry = metricsRegistry();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Times every request by its route template (`/api/analyses/:id`, never the URL with its ids) and serves
 * `GET /metrics` as a plain Fastify route: outside Nest, so no global prefix, guard or filter applies to it.
 */
export function instrumentHttp(fastify: FastifyInstance): void {
  const duration = histogramOf({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // Unrouted requests (404s, scanners) share one label instead of one series per URL.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  fastify.get(METRICS_PATH, async (_request, reply) => {
    const { contentType, body } = await metricsText();
    return reply.header('content-type', contentType).send(body);
  });
}
