import { z } from 'zod';

/**
 * The ops port of a service without an HTTP API (orchestrator, provider-worker): `/metrics`, `/health/live` and
 * `/health/ready`. Off (0) by default: several workers on one host would otherwise fight over one port; a
 * deployment gives each its own.
 */
export const metricsEnv = {
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  METRICS_HOST: z.string().default('0.0.0.0'),
};
