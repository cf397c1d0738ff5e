import { APP_CONFIG, HealthModule } from '@ultra/platform';
import { Public } from '../auth/public.decorator';
import type { GatewayConfig } from '../config/gateway.config';

/** Under the health check's own one-second bound. */
const RESULTS_PROBE_MS = 900;

/**
 * The services an installation cannot work without (their names as their MetricsModule reports them): `/api/health`
 * is 503 until each has a ready instance. Gateways are listed too but decide nothing: this one answers for itself.
 */
export const REQUIRED_SERVICES = ['orchestrator', 'provider-worker', 'results'] as const;

/**
 * `GET /api/health` (Redis, database, and every service's instances from their heartbeats in Redis),
 * `/api/health/live` and `/api/health/ready` (this gateway only), without a token. Readiness also needs the
 * results service to answer HTTP, whatever its own health: results reports its Postgres itself, and every gateway
 * would otherwise leave the pool together.
 */
export const GatewayHealthModule = HealthModule.forRoot({
  path: 'health',
  decorators: [Public()],
  fleet: { required: REQUIRED_SERVICES },
  readiness: {
    inject: [APP_CONFIG],
    useFactory: (config: GatewayConfig) => ({
      results: async () => {
        const url = `${config.RESULTS_URL}/internal/health`;
        const response = await fetch(url, { signal: AbortSignal.timeout(RESULTS_PROBE_MS) });
        await response.body?.cancel();
      },
    }),
  },
});
