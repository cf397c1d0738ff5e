import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_TIER, TIER_NAMES, type TierName } from './tiers.config';

/** How long a user's tier is reused before it is read again: an admin's change takes effect within this. */
export const TIER_CACHE_MS = 15_000;
/** Enough for every active user of a gateway; past it the cache starts over rather than grow. */
const MAX_CACHED = 50_000;

function tierOf(value: unknown): TierName {
  return TIER_NAMES.find((name) => name === value) ?? DEFAULT_TIER;
}

/** The tier of a user, read from `users.tier` and kept briefly, since every request needs it. */
@Injectable()
export class UserTierService {
  private readonly cache = new Map<string, { tier: TierName; until: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async tierOf(userId: string): Promise<TierName> {
    const now = Date.now();
    const cached = this.cache.get(userId);
    if (cached && cached.until > now) return cached.tier;
    // Read through the row as JSON, so a database without the tier column yet answers null (→ free), not an error.
    const rows = await this.dataSource.query<{ tier: string | null }[]>(
      `SELECT to_jsonb(u) ->> 'tier' AS tier FROM users u WHERE u.id = $1`,
      [userId],
    );
    const tier = tierOf(rows[0]?.tier);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(userId, { tier, until: now + TIER_CACHE_MS });
    return tier;
  }
}
