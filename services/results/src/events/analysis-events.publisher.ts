import { Inject, Injectable } from '@nestjs/common';
import { type AnalysisEvent, analysisEventsChannel } from '@ultra/contracts';
import { APP_CONFIG, REDIS, type RedisConfig } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';

type Unstamped<E> = E extends AnalysisEvent ? Omit<E, 'at'> : never;

/**
 * Publishes what was just stored, for the push channel. Best effort on purpose: a lost event must not fail or
 * repeat a write that succeeded, and readers can always fall back to the stored analysis.
 */
@Injectable()
export class AnalysisEventsPublisher {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: RedisConfig,
    private readonly logger: PinoLogger,
  ) {}

  async publish(event: Unstamped<AnalysisEvent>): Promise<void> {
    const stamped = { ...event, at: new Date().toISOString() };
    try {
      await this.redis.publish(
        analysisEventsChannel(this.config.QUEUE_PREFIX, event.analysisId),
        JSON.stringify(stamped),
      );
    } catch (error) {
      this.logger.warn({ err: error, event: event.type }, 'could not publish analysis event');
    }
  }
}
