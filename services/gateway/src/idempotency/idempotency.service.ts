import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { ApiException, ServiceUnavailableException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';
import { hashedKey } from './idempotency-key';

/** A request's claim lasts at most this long: far longer than any request, short enough after a crash. */
export const IDEMPOTENCY_PENDING_TTL_MS = 30_000;
/** How long a request waits for another in flight with the same key before answering 409. */
export const IDEMPOTENCY_WAIT_MS = 10_000;
const POLL_MS = 25;

/** The first successful answer, replayed for every later request with the same key. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

interface PendingRecord {
  state: 'pending';
  fingerprint: string;
  token: string;
}
interface DoneRecord {
  state: 'done';
  fingerprint: string;
  answer: StoredAnswer;
}

export interface IdempotentRequest {
  /** Which endpoint: a key names one request per endpoint. */
  scope: string;
  userId: string;
  key: string;
  fingerprint: string;
}

export type IdempotencyClaim =
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'run'; complete(answer: StoredAnswer): Promise<void>; release(): Promise<void> };

// Both act only while the key still holds this request's own pending record (compared as a whole string).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const COMPLETE = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == false then return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return nil`;

/**
 * Idempotency-Key bookkeeping in Redis, one string per user, endpoint and key. SET NX makes exactly one request
 * run; the others wait for its answer (or 409 after IDEMPOTENCY_WAIT_MS). A success is stored for
 * IDEMPOTENCY_TTL_S and replayed; a failure releases the key, so a retry runs again.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async claim(request: IdempotentRequest): Promise<IdempotencyClaim> {
    const key = `${this.config.QUEUE_PREFIX}:idempotency:${request.scope}:${request.userId}:${hashedKey(request.key)}`;
    const pending = JSON.stringify({ state: 'pending', fingerprint: request.fingerprint, token: randomUUID() });
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const claimed = await this.redisCall(() => this.redis.set(key, pending, 'PX', IDEMPOTENCY_PENDING_TTL_MS, 'NX'));
      if (claimed === 'OK') return this.running(key, pending, request.fingerprint);
      const raw = await this.redisCall(() => this.redis.get(key));
      // Released (the first request failed) or expired between the two commands: claim it again.
      if (raw === null) continue;
      const record = JSON.parse(raw) as PendingRecord | DoneRecord;
      if (record.fingerprint !== request.fingerprint) {
        throw new ApiException(
          ApiErrorCode.IdempotencyConflict,
          'this Idempotency-Key was already used with a different request body; use a new key for a new request',
        );
      }
      if (record.state === 'done') return { kind: 'replay', answer: record.answer };
      if (Date.now() >= deadline) {
        throw new ApiException(
          ApiErrorCode.IdempotencyInProgress,
          'a request with this Idempotency-Key is still in progress; retry it to get its answer',
        );
      }
      await sleep(POLL_MS);
    }
  }

  private running(key: string, pending: string, fingerprint: string): IdempotencyClaim {
    return {
      kind: 'run',
      complete: async (answer) => {
        const done = JSON.stringify({ state: 'done', fingerprint, answer } satisfies DoneRecord);
        // The work is done whatever happens here; should Redis fail now, a retry with the key runs it again.
        await this.redis
          .eval(COMPLETE, 1, key, pending, done, this.config.IDEMPOTENCY_TTL_S)
          .catch((error: unknown) => this.logger.warn(`could not store the answer of ${key}: ${messageOf(error)}`));
      },
      release: async () => {
        await this.redis
          .eval(RELEASE, 1, key, pending)
          .catch((error: unknown) => this.logger.warn(`could not release ${key}: ${messageOf(error)}`));
      },
    };
  }

  private async redisCall<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.logger.warn(`idempotency store unavailable: ${messageOf(error)}`);
      throw new ServiceUnavailableException('Redis is unavailable (Idempotency-Key), try again shortly');
    }
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
