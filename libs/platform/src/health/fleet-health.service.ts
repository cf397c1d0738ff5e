import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { RedisConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { REDIS } from '../redis/queue.module';
import { within } from '../util/within';
import {
  type Heartbeat,
  heartbeatIndexKey,
  parseHeartbeat,
  type ServiceHealth,
  summarizeFleet,
  unknownFleet,
} from './fleet-health';

const READ_TIMEOUT_MS = 1_000;
/**
 * Index entries older than this are dropped when read. Far beyond any heartbeat's lifetime (at most 3 min), so a
 * writer's clock running behind the reader's never hides a live instance; liveness is the key's own TTL.
 */
const STALE_INDEX_MS = 600_000;

/** Reads the heartbeats every instance of the installation (same Redis and QUEUE_PREFIX) writes. */
@Injectable()
export class FleetHealth {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: RedisConfig,
  ) {}

  /** The live heartbeats: those whose key has not expired. */
  async heartbeats(): Promise<Heartbeat[]> {
    const index = heartbeatIndexKey(this.config.QUEUE_PREFIX);
    const listed = await this.redis
      .multi()
      .zremrangebyscore(index, '-inf', Date.now() - STALE_INDEX_MS)
      .zrange(index, 0, -1)
      .exec();
    const [error, keys] = listed?.[1] ?? [new Error('transaction aborted'), undefined];
    if (error) throw error;
    if (!Array.isArray(keys) || keys.length === 0) return [];
    const values = await this.redis.mget(...keys.map(String));
    return values.map(parseHeartbeat).filter((beat) => beat !== undefined);
  }

  /** Per service, its live instances; `required` services always appear, `unknown` when Redis cannot be read. */
  async services(required: readonly string[]): Promise<Record<string, ServiceHealth>> {
    try {
      return summarizeFleet(await within(this.heartbeats(), READ_TIMEOUT_MS), required);
    } catch {
      return unknownFleet(required);
    }
  }
}
