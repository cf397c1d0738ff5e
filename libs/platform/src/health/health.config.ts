import { z } from 'zod';
import { loadConfig } from '../config/config';

/**
 * How often every instance writes its readiness to Redis (HealthHeartbeat); a heartbeat lives three intervals, so
 * the gateway's `/api/health` stops counting a dead instance within that.
 */
export const healthEnv = {
  HEALTH_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
};
export type HealthConfig = z.infer<z.ZodObject<typeof healthEnv>>;

let loaded: HealthConfig | undefined;

/**
 * Validated once per process, when the service's module is built (inside runService, so a bad value is reported
 * like any configuration error); every service has it without repeating it in its own schema.
 */
export function healthConfig(service: string): HealthConfig {
  loaded ??= loadConfig(service, z.object(healthEnv));
  return loaded;
}
