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

/** A dependency check: resolves when the dependency answers, rejects (or takes over a second) when it does not. */
export type HealthCheck = () => Promise<unknown>;

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

  /** Redis, the database where there is one, and any `extra` checks (e.g. another service it calls), at once. */
  async report(extra: Record<string, HealthCheck> = {}): Promise<HealthReport> {
    const dataSource = this.dataSource;
    const named = Object.entries<HealthCheck>({
      redis: () => this.redis.ping(),
      ...(dataSource && { database: () => dataSource.query('SELECT 1') }),
      ...extra,
    });
    const statuses = await Promise.all(named.map(([, check]) => probe(check)));
    const checks = Object.fromEntries(named.map(([name], i) => [name, statuses[i] ?? 'down']));
    const ok = Object.values(checks).every((s) => s === 'up');
    return { status: ok ? 'ok' : 'error', checks };
  }
}
