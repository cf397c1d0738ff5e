import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, runMigrations, startHttpService } from '@ultra/platform';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { useTestRedis, type TestRedis } from '../../../../test/support/redis';
import { configureHttp } from '../common/http-setup';
import { bodyLimitOf, gatewayConfig, SERVICE_NAME } from '../config/gateway.config';
import { gatewayDatabase } from '../migrations/gateway-database';
import { UNLIMITED_TIERS } from '../../../../test/support/test-tiers';

export interface GatewayTestApp {
  /** e.g. http://127.0.0.1:41234 (routes are under /api). */
  url: string;
  app: NestFastifyApplication;
  db: TestDatabase;
  redis: TestRedis;
  close(): Promise<void>;
}

/**
 * The whole gateway in this process on a free port, against a fresh database (migrated) and a Redis prefix of
 * its own. `env` adds or overrides variables, e.g. RESULTS_URL of a fake results server.
 */
export async function startGatewayTestApp(
  env: Record<string, string> = {},
  /** A second gateway process of the same installation: its database and Redis prefix, left to it to drop. */
  sharedWith?: GatewayTestApp,
): Promise<GatewayTestApp> {
  const db = sharedWith?.db ?? (await createTestDatabase());
  const redis = sharedWith?.redis ?? (await useTestRedis());
  if (!sharedWith) await runMigrations({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 }, gatewayDatabase);
  // eslint-disable-next-line no-restricted-syntax -- test setup: the app under test reads this environment at load
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    TIERS: UNLIMITED_TIERS,
    // A 2-core CI machine running Postgres, Redis and several services can take longer than production's 800 ms
    // to answer one command; tests of the fail-fast defaults set them back (redis-outage.int-spec).
    REDIS_COMMAND_TIMEOUT_MS: '3000',
    QUEUE_ADD_TIMEOUT_MS: '4000',
    ...env,
  });
  // Loaded only now, from the environment set above.
  const { AppModule } = jest.requireActual<typeof import('../app.module.js')>('../app.module');
  const config = loadConfig(SERVICE_NAME, gatewayConfig);
  const app = await startHttpService(AppModule.forRoot(config), {
    port: 0,
    host: '127.0.0.1',
    bodyLimit: bodyLimitOf(config),
    configure: (nest) => configureHttp(nest, config),
  });
  return {
    url: await app.getUrl(),
    app,
    db,
    redis,
    close: async () => {
      await app.close();
      if (sharedWith) return;
      await redis.stop();
      await db.drop();
    },
  };
}
