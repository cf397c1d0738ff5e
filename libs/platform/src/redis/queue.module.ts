import { once } from 'node:events';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RedisConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { within } from '../util/within';
import { JobProducer } from './job-producer';
import { failFastRedisOptions, redisOptionsFromUrl } from './redis-options';

/** Injection token of the service's shared, non-blocking Redis client (health checks, pub/sub publish, caches). */
export const REDIS = Symbol('REDIS');

/** How long boot waits for a fail-fast client to connect, so the first requests do not fail for nothing. */
const FAIL_FAST_BOOT_WAIT_MS = 5_000;

export interface QueueModuleOptions {
  /**
   * For services that answer requests and run no BullMQ worker (the gateway): Redis commands, the job producer's
   * included, fail at once while Redis is unreachable and after this many ms without an answer (see
   * failFastRedisOptions). Unset: commands wait for the reconnect, as workers need.
   */
  failFastMs?: number;
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

async function sharedClient(config: RedisConfig, failFastMs: number | undefined): Promise<Redis> {
  if (failFastMs === undefined) {
    return new Redis({ ...redisOptionsFromUrl(config.REDIS_URL), maxRetriesPerRequest: 2, lazyConnect: false });
  }
  const client = new Redis(failFastRedisOptions(config.REDIS_URL, failFastMs));
  // Without an offline queue a command sent before the first connection fails; Redis being down at boot must not
  // stop the service, though, so the wait is bounded (requests then answer 503 until it is back).
  await within(once(client, 'ready'), FAIL_FAST_BOOT_WAIT_MS).catch(() => undefined);
  return client;
}

@Global()
@Module({})
export class QueueModule {
  /** BullMQ's root connection and key prefix from config, one shared Redis client, and the typed job producer. */
  static forRoot({ failFastMs }: QueueModuleOptions = {}): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: RedisConfig) => ({
            connection:
              failFastMs === undefined
                ? redisOptionsFromUrl(config.REDIS_URL)
                : failFastRedisOptions(config.REDIS_URL, failFastMs),
            prefix: config.QUEUE_PREFIX,
          }),
        }),
      ],
      providers: [
        { provide: REDIS, inject: [APP_CONFIG], useFactory: (config: RedisConfig) => sharedClient(config, failFastMs) },
        RedisCloser,
        JobProducer,
      ],
      exports: [REDIS, BullModule, JobProducer],
    };
  }
}
