import { Inject, Injectable } from '@nestjs/common';
import { type BreakerScope, BreakerState } from '@ultra/contracts';
import { APP_CONFIG, type GaugeReading, observedGaugeSeries, REDIS, within } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';

/** Most breakers reported (and HMGETs sent) per scrape. */
export const MAX_BREAKERS = 1_000;
/** Longest a scrape waits for Redis; past it the last values are reported. */
export const SCRAPE_TIMEOUT_MS = 1_000;
/** SCAN's share of a scrape: a large keyspace is walked over several scrapes rather than in one. */
const SCAN_BUDGET_MS = 250;
const SCAN_PAGES = 20;
const SCAN_COUNT = 1_000;
/** A read still unanswered after this (a connection that lost its replies) no longer holds scrapes back. */
const ABANDON_MS = 30_000;

type Labels = 'scope' | 'id';

/**
 * The state a breaker hash (contracts' breakerKey) stands for now: 0 closed, 1 half-open, 2 open. An open breaker
 * whose cool-down has passed lets its probe through, so it reads half-open though only a call rewrites the hash.
 * Undefined for a hash without a state (the provider breaker's `:failing-models` hash).
 */
export function breakerValue(state: string | null, reopenAt: string | null, now: number): number | undefined {
  if (state === BreakerState.Closed) return 0;
  if (state === BreakerState.HalfOpen) return 1;
  if (state === BreakerState.Open) return now < Number(reopenAt ?? 0) ? 2 : 1;
  return undefined;
}

/** What every breakerKey of the installation starts with; QUEUE_PREFIX has no glob characters (config). */
export function breakerKeyBase(queuePrefix: string): string {
  return `${queuePrefix}:breaker:`;
}

/** The scope and id of a breaker key under `base` (breakerKeyBase), if it is one. */
export function breakerOfKey(base: string, key: string): { scope: BreakerScope; id: string } | undefined {
  const rest = key.slice(base.length);
  const at = rest.indexOf(':');
  const scope = rest.slice(0, at);
  const id = rest.slice(at + 1);
  if (!key.startsWith(base) || at < 1 || !id) return undefined;
  if (scope === 'provider' && !id.includes(':')) return { scope, id };
  if (scope === 'model') return { scope, id };
  return undefined;
}

/**
 * `ultra_breaker_state`, read from Redis at each scrape so every worker reports the shared truth: breakers opened
 * by other workers, and cool-downs that have passed. Breaker keys are found with SCAN, resumed across scrapes, and
 * remembered until their hash is gone; each scrape re-reads at most MAX_BREAKERS of them in one pipeline.
 */
@Injectable()
export class BreakerStateMetrics {
  private readonly base: string;
  private readonly known = new Set<string>();
  private cursor = '0';
  private inFlight: { since: number; read: Promise<GaugeReading<Labels>[]> } | undefined;
  private failing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {
    this.base = breakerKeyBase(config.QUEUE_PREFIX);
    observedGaugeSeries(
      {
        name: 'ultra_breaker_state',
        help: 'Circuit breaker state, read from Redis at scrape time: 0 closed, 1 half-open, 2 open.',
        labelNames: ['scope', 'id'] as const,
      },
      () => this.scrape(),
    );
  }

  /** The breakers' states, or undefined (keep the last values) when Redis fails or is slower than a scrape may be. */
  async scrape(): Promise<GaugeReading<Labels>[] | undefined> {
    // One read at a time: scrapes during a slow one wait for it rather than pile up SCANs, unless it hangs.
    const now = Date.now();
    if (!this.inFlight || now - this.inFlight.since > ABANDON_MS) {
      const read: Promise<GaugeReading<Labels>[]> = this.read().finally(() => {
        if (this.inFlight?.read === read) this.inFlight = undefined;
      });
      this.inFlight = { since: now, read };
    }
    try {
      const readings = await within(this.inFlight.read, SCRAPE_TIMEOUT_MS);
      this.failing = false;
      return readings;
    } catch (error) {
      if (!this.failing)
        this.logger.warn({ err: error }, 'could not read circuit breakers for /metrics; keeping the last values');
      this.failing = true;
      return undefined;
    }
  }

  private async read(): Promise<GaugeReading<Labels>[]> {
    await this.discover(Date.now() + SCAN_BUDGET_MS);
    const keys = [...this.known];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(key, 'state', 'reopenAt');
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now();
    const readings: GaugeReading<Labels>[] = [];
    keys.forEach((key, i) => {
      const [error, fields] = replies[i] ?? [null, null];
      if (error) throw error;
      const [state, reopenAt] = (fields ?? [null, null]) as (string | null)[];
      const value = breakerValue(state, reopenAt, now);
      const breaker = breakerOfKey(this.base, key);
      if (value === undefined || !breaker) {
        // Gone, or not a breaker: forget it, making room for others.
        this.known.delete(key);
        return;
      }
      readings.push({ labels: breaker, value });
    });
    return readings;
  }

  /** Walks the keyspace for breaker hashes from where the last scrape stopped, within the budget. */
  private async discover(deadline: number): Promise<void> {
    for (let page = 0; page < SCAN_PAGES && this.known.size < MAX_BREAKERS && Date.now() < deadline; page++) {
      const [next, keys] = await this.redis.scan(
        this.cursor,
        'MATCH',
        `${this.base}*`,
        'COUNT',
        SCAN_COUNT,
        'TYPE',
        'hash',
      );
      this.cursor = next;
      for (const key of keys) if (this.known.size < MAX_BREAKERS && breakerOfKey(this.base, key)) this.known.add(key);
      if (next === '0') return;
    }
  }
}
