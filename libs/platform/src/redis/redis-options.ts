/** Connection settings understood by both ioredis and BullMQ (a type alias, so it fits their index signatures). */
export type RedisConnectionSettings = {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: object;
  maxRetriesPerRequest: number | null;
  enableReadyCheck: boolean;
  enableOfflineQueue?: boolean;
  commandTimeout?: number;
  /** BullMQ's own option: no `INFO` version check when a queue connects. */
  skipVersionCheck?: boolean;
  retryStrategy?: (attempt: number) => number;
};

/** Options from a redis:// or rediss:// URL; BullMQ needs options (not a client) to open its own connections. */
export function redisOptionsFromUrl(url: string): RedisConnectionSettings {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers block on Redis; they must not give up on a command while reconnecting.
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  };
}

/**
 * For a service that answers requests and only produces jobs (the gateway): while Redis is unreachable a command
 * fails at once instead of waiting in ioredis' offline queue for a reconnect, and one that gets no answer fails
 * after `commandTimeoutMs`, so a request can answer 503 instead of hanging. The connection still reconnects by
 * itself. Never for BullMQ workers: their blocking commands must wait (maxRetriesPerRequest null).
 *
 * No version check: BullMQ runs it once per connection, and one that fails (an `INFO` answered later than the
 * timeout on a loaded machine, or a connection lost in between) leaves its queue rejecting every job for good —
 * the gateway answered 503 until restarted. Producers need no version; the workers' connections still check it.
 */
export function failFastRedisOptions(url: string, commandTimeoutMs: number): RedisConnectionSettings {
  return {
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    skipVersionCheck: true,
    // ioredis' own schedule, also for BullMQ's connections (whose default backs off to 20 s): requests succeed
    // again within two seconds of Redis' return, however long it was away.
    retryStrategy: (attempt) => Math.min(attempt * 50, 2_000),
  };
}

const CONNECTION_ERROR =
  /enableOfflineQueue|Connection is closed|Command timed out|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|connect ENO/;

/** Whether an error means Redis could not be reached (as opposed to a command Redis refused). */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || CONNECTION_ERROR.test(error.message);
}

/**
 * Whether Redis refused a write because it reached `maxmemory` (with `noeviction`, as Ultra's Redis must run). Not a
 * bug of the request: it succeeds once memory is freed, so it answers 503 like an outage.
 */
export function isRedisFullError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('OOM command not allowed');
}
