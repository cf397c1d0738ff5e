import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RedisConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { JobProducer } from './job-producer';
import { redisOptionsFromUrl } from './redis-options';

/** Injection token of the service's shared, non-blocking Redis client (health checks, pub/sub publish, caches). */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class QueueModule {
  /** BullMQ's root connection and key prefix from config, one shared Redis client, and the typed job producer. */
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: RedisConfig) => ({
            connection: redisOptionsFromUrl(config.REDIS_URL),
            prefix: config.QUEUE_PREFIX,
          }),
        }),
      ],
      providers: [
        {
          provide: REDIS,
          inject: [APP_CONFIG],
          useFactory: (config: RedisConfig) =>
            new Redis({ ...redisOptionsFromUrl(config.REDIS_URL), maxRetriesPerRequest: 2, lazyConnect: false }),
        },
        RedisCloser,
        JobProducer,
      ],
      exports: [REDIS, BullModule, JobProducer],
    };
  }
}
