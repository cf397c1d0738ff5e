import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { ApiException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';

/** Failures are counted over this window. */
const WINDOW_S = 15 * 60;
/** An IP (possibly many users behind one NAT) may fail this many times more than one account. */
const IP_FACTOR = 20;
/** The second failure waits this long before answering, each later one twice as long, up to MAX_DELAY_MS. */
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;

export class TooManyLoginsException extends ApiException {
  constructor(readonly retryAfterS: number) {
    super(ApiErrorCode.TooManyRequests, `too many failed sign-ins; try again in ${retryAfterS} s`);
  }
}

/**
 * Failed sign-ins per account (by email) and per IP, counted in Redis so every gateway process sees them: each
 * failure after the first answers more slowly, and LOGIN_MAX_FAILURES within 15 minutes blocks the account for
 * LOGIN_BLOCK_S (429 with Retry-After) even with the right password. A success clears the account's count.
 */
@Injectable()
export class LoginThrottleService {
  private readonly byAccount: RateLimiterRedis;
  private readonly byIp: RateLimiterRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {
    const common = { storeClient: redis, duration: WINDOW_S, blockDuration: config.LOGIN_BLOCK_S };
    const prefix = `${config.QUEUE_PREFIX}:login-failures`;
    this.byAccount = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:account`,
      points: config.LOGIN_MAX_FAILURES,
    });
    this.byIp = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:ip`,
      points: config.LOGIN_MAX_FAILURES * IP_FACTOR,
    });
  }

  /** Throws 429 while the account or the IP is blocked. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([this.byAccount.get(keyOf(email)), this.byIp.get(ip)]);
    const wait = Math.max(this.blockedFor(account, this.byAccount), this.blockedFor(address, this.byIp));
    if (wait > 0) throw new TooManyLoginsException(Math.ceil(wait / 1000));
  }

  /** Counts a failure, blocks at the limit, and waits progressively longer before the caller answers. */
  async failed(email: string, ip: string): Promise<void> {
    const results = await Promise.all([this.count(this.byAccount, keyOf(email)), this.count(this.byIp, ip)]);
    const failures = Math.max(...results);
    if (failures >= 2) await sleep(Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - 2)));
  }

  async succeeded(email: string): Promise<void> {
    await this.byAccount.delete(keyOf(email));
  }

  /** The failures so far of this key, blocking it for LOGIN_BLOCK_S when they reach the limit. */
  private async count(limiter: RateLimiterRedis, key: string): Promise<number> {
    const result = await limiter.penalty(key, 1);
    if (result.consumedPoints >= limiter.points) await limiter.block(key, this.config.LOGIN_BLOCK_S);
    return result.consumedPoints;
  }

  private blockedFor(result: RateLimiterRes | null, limiter: RateLimiterRedis): number {
    return result && result.consumedPoints >= limiter.points ? result.msBeforeNext : 0;
  }
}

/** Emails are hashed so Redis holds no addresses. */
const keyOf = (email: string): string => createHash('sha256').update(email.toLowerCase()).digest('hex');
