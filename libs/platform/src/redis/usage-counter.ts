import type { Redis } from 'ioredis';

/**
 * One user's usage of one UTC day, as a Redis hash `<prefix>:usage:<userId>:<yyyymmdd>`: the gateway counts
 * requests and analyses, results adds the tokens and cost of every model output it stores. The gateway's daily
 * budget reads `costUsd` from here, so the spend holds across every gateway and results process.
 */
export const UsageField = {
  Requests: 'requests',
  Analyses: 'analyses',
  InputTokens: 'inputTokens',
  OutputTokens: 'outputTokens',
  CostUsd: 'costUsd',
} as const;
export type UsageField = (typeof UsageField)[keyof typeof UsageField];
export type DailyUsage = Record<UsageField, number>;

/** What the stored outputs of a day used: the part of DailyUsage results knows. */
export type DailySpend = Pick<DailyUsage, 'inputTokens' | 'outputTokens' | 'costUsd'>;

/** Marks a day's hash whose spend was checked against the results database (see seedSpend). */
const SEEDED = 'seeded';

/** Kept a little longer than the day itself, so a day's figures can still be read just after midnight UTC. */
const USAGE_TTL_S = 2 * 86_400;

/** `yyyymmdd` of the UTC day of `at`. */
export function utcDayOf(at: Date): string {
  return at.toISOString().slice(0, 10).replaceAll('-', '');
}

/** When the UTC day of `at` ends: the next midnight UTC. */
export function utcDayEnd(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

export function usageKey(prefix: string, userId: string, day: string): string {
  return `${prefix}:usage:${userId}:${day}`;
}

/** Adds to the day's counters of `userId` in one round trip; zero amounts are left out. */
export async function addUsage(
  redis: Redis,
  prefix: string,
  userId: string,
  amounts: Partial<DailyUsage>,
  at = new Date(),
): Promise<void> {
  const key = usageKey(prefix, userId, utcDayOf(at));
  const added = Object.entries(amounts).filter(([, amount]) => amount);
  if (added.length === 0) return;
  const transaction = redis.multi();
  for (const [field, amount] of added) {
    if (field === UsageField.CostUsd) transaction.hincrbyfloat(key, field, amount);
    else transaction.hincrby(key, field, amount);
  }
  transaction.expire(key, USAGE_TTL_S);
  const replies = await transaction.exec();
  const failed = replies?.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
}

/**
 * Puts the day's spend as the results database has it into the hash, once: the first read of a day, or after Redis
 * lost the hash. Set rather than added, since the database's sum includes every increment made before it was taken.
 */
const SEED_SCRIPT = `if redis.call('hexists', KEYS[1], '${SEEDED}') == 1 then return 0 end
redis.call('hset', KEYS[1], '${SEEDED}', 1, 'inputTokens', ARGV[1], 'outputTokens', ARGV[2], 'costUsd', ARGV[3])
redis.call('expire', KEYS[1], ARGV[4])
return 1`;

export async function seedSpend(
  redis: Redis,
  prefix: string,
  userId: string,
  day: string,
  spend: DailySpend,
): Promise<void> {
  const key = usageKey(prefix, userId, day);
  const { inputTokens, outputTokens, costUsd } = spend;
  await redis.eval(SEED_SCRIPT, 1, key, inputTokens, outputTokens, costUsd, USAGE_TTL_S);
}

/** The day's counters of `userId`; a counter never written is 0. */
export async function readUsage(redis: Redis, prefix: string, userId: string, day: string): Promise<DailyUsage> {
  return (await readDay(redis, prefix, userId, day)).usage;
}

/**
 * The day's counters and whether its spend has been checked against the database (see seedSpend), in one round
 * trip: the gateway reads this for every analysis it accepts.
 */
export async function readDay(
  redis: Redis,
  prefix: string,
  userId: string,
  day: string,
): Promise<{ usage: DailyUsage; seeded: boolean }> {
  const stored = await redis.hgetall(usageKey(prefix, userId, day));
  const number = (field: UsageField) => Number(stored[field] ?? 0) || 0;
  return {
    usage: {
      requests: number(UsageField.Requests),
      analyses: number(UsageField.Analyses),
      inputTokens: number(UsageField.InputTokens),
      outputTokens: number(UsageField.OutputTokens),
      costUsd: number(UsageField.CostUsd),
    },
    seeded: stored[SEEDED] !== undefined,
  };
}
