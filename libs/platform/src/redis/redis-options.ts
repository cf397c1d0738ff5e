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
