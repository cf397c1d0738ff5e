import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type BreakerEvent,
  breakerEventsChannel,
  breakerKey,
  type BreakerScope,
  type BreakerSnapshot,
  type BreakerState,
  parseModelId,
} from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';
import type { BreakerOutcome } from './breaker-policy';
import { checkBreakers, recordOutcome } from './breaker-scripts';

/** The breakers of one model: its provider's, then its own. */
interface Guard {
  scope: BreakerScope;
  id: string;
}

/** May the call go ahead, and which breakers is it the probe of (their outcome rests on this call). */
export type BreakerVerdict = { open: false; probes: Guard[] } | { open: true; breaker: BreakerSnapshot };

const REASON_MAX = 300;

/**
 * Circuit breakers per provider and per model, their state in Redis hashes (`breakerKey`) so every worker agrees
 * and the gateway reads them with one HGETALL. Each check and each outcome is one atomic script; state changes are
 * published on `breakerEventsChannel` and logged. Bookkeeping never fails a call: when Redis does not answer,
 * the call goes ahead and its outcome is not counted.
 */
@Injectable()
export class BreakerService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {}

  /** `probeLeaseMs` bounds a probe: if its caller dies, another call may probe after it. */
  async check(modelId: string, probeLeaseMs: number): Promise<BreakerVerdict> {
    const guards = this.guardsOf(modelId);
    let reply: unknown;
    try {
      reply = await checkBreakers.run(this.redis, guards.map(this.keyOf), [Date.now(), probeLeaseMs]);
    } catch (error) {
      this.logger.warn({ err: error, model: modelId }, 'could not read circuit breakers; calling anyway');
      return { open: false, probes: [] };
    }
    const [verdict, ...rest] = reply as [string, ...(string | number)[]];
    if (verdict === 'blocked') {
      const [index, state, openedAt, reason, reopenAt] = rest;
      const guard = guards[Number(index) - 1];
      return {
        open: true,
        breaker: {
          ...guard,
          state: state as BreakerState,
          openedAt: Number(openedAt),
          reopenAt: Number(reopenAt),
          reason: String(reason),
        },
      };
    }
    const probes: Guard[] = [];
    for (let i = 0; i < rest.length; i += 2) {
      const guard = guards[Number(rest[i]) - 1];
      probes.push(guard);
      if (rest[i + 1] === 'open') this.announce(guard, 'open', 'half_open', 'the cool-down has passed: one probe call');
    }
    return { open: false, probes };
  }

  /** Counts a call's outcome; `reason` (the failure's message) is kept on a breaker it opens. */
  async record(modelId: string, outcome: BreakerOutcome, probes: Guard[], reason = ''): Promise<void> {
    // A neutral outcome changes nothing unless it hands a probe back.
    if (outcome === 'neutral' && probes.length === 0) return;
    const guards = this.guardsOf(modelId);
    const keys = guards.flatMap((g) => {
      const key = this.keyOf(g);
      return [key, `${key}:calls`, `${key}:failures`, `${key}:failing-models`];
    });
    const c = this.config;
    const args = [
      Date.now(),
      outcome,
      randomUUID(),
      modelId,
      c.BREAKER_FAILURE_THRESHOLD,
      c.BREAKER_FAILURE_RATIO,
      c.BREAKER_MIN_CALLS,
      c.BREAKER_WINDOW_MS,
      c.BREAKER_COOLDOWN_MS,
      reason.slice(0, REASON_MAX),
      // A provider's breaker opens only when two of its models fail: one broken model opens only its own.
      ...guards.flatMap((g) => [probes.some((p) => p.scope === g.scope) ? 1 : 0, g.scope === 'provider' ? 2 : 1]),
    ];
    try {
      const changes = (await recordOutcome.run(this.redis, keys, args)) as string[];
      for (let i = 0; i < changes.length; i += 4) {
        const guard = guards[Number(changes[i]) - 1];
        this.announce(guard, changes[i + 1] as BreakerState, changes[i + 2] as BreakerState, changes[i + 3]);
      }
    } catch (error) {
      this.logger.warn({ err: error, model: modelId }, 'could not record the call on its circuit breakers');
    }
  }

  private guardsOf(modelId: string): Guard[] {
    return [
      { scope: 'provider', id: parseModelId(modelId).provider },
      { scope: 'model', id: modelId },
    ];
  }

  private readonly keyOf = (guard: Guard) => breakerKey(this.config.QUEUE_PREFIX, guard.scope, guard.id);

  private announce(guard: Guard, from: BreakerState, to: BreakerState, reason: string): void {
    const event: BreakerEvent = { type: 'breaker.state', ...guard, from, to, reason, at: new Date().toISOString() };
    const level = to === 'open' ? 'warn' : 'info';
    this.logger[level](
      { breaker: event },
      `circuit breaker of ${guard.scope} ${guard.id}: ${from} → ${to} (${reason})`,
    );
    this.redis
      .publish(breakerEventsChannel(this.config.QUEUE_PREFIX), JSON.stringify(event))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not publish a breaker event'));
  }
}
