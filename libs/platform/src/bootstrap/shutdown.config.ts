import { z } from 'zod';
import { loadConfig } from '../config/config';

/** Every service's shutdown limit; past it the process exits 1, naming what had not closed. */
export const shutdownEnv = {
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
};
export type ShutdownConfig = z.infer<z.ZodObject<typeof shutdownEnv>>;

let loaded: ShutdownConfig | undefined;

/** Validated once per process (runService does it first, so a bad value is reported like any config error). */
export function shutdownConfig(service: string): ShutdownConfig {
  loaded ??= loadConfig(service, z.object(shutdownEnv));
  return loaded;
}
