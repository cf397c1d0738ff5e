import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../redis/queue.module';
import { within } from '../util/within';

export type CheckStatus = 'up' | 'down';
export interface HealthReport {
  status: 'ok' | 'error';
  checks: Record<string, CheckStatus>;
}

const CHECK_TIMEOUT_MS = 1_000;

async function probe(check: () => Promise<unknown>): Promise<CheckStatus> {
  try {
    await within(check(), CHECK_TIMEOUT_MS);
    return 'up';
  } catch {
    return 'down';
  }
}

/** Checks the real dependencies of a service: Redis always, the database where the service has one. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  async report(): Promise<HealthReport> {
    const dataSource = this.dataSource;
    const [redis, database] = await Promise.all([
      probe(() => this.redis.ping()),
      dataSource ? probe(() => dataSource.query('SELECT 1')) : undefined,
    ]);
    const checks: Record<string, CheckStatus> = database ? { redis, database } : { redis };
    const ok = Object.values(checks).every((s) => s === 'up');
    return { status: ok ? 'ok' : 'error', checks };
  }
}
