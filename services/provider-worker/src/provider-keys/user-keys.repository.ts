import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type SealedSecret } from '@ultra/platform';
import { Pool } from 'pg';
import type { WorkerConfig } from '../config/worker.config';

/** A user's sealed key for one provider, as the gateway stored it in `provider_keys`. */
export interface StoredUserKey {
  sealed: SealedSecret;
  baseUrl: string | null;
}

interface Row {
  kid: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  base_url: string | null;
}

/**
 * The worker's one view of the gateway's database: `provider_keys`, read at call time (and `last_used_at`
 * written, at most once a minute per key). A small pool: reads are rare, the clients they build are cached.
 */
@Injectable()
export class UserKeysRepository implements OnModuleDestroy {
  private readonly pool?: Pool;

  constructor(@Inject(APP_CONFIG) config: WorkerConfig) {
    if (config.DATABASE_URL && config.KEY_ENCRYPTION_KEYS) {
      this.pool = new Pool({ connectionString: config.DATABASE_URL, max: 2, connectionTimeoutMillis: 2_000 });
      // An idle client's error (Postgres restarted) must not crash the worker; the next query reconnects.
      this.pool.on('error', () => undefined);
    }
  }

  get enabled(): boolean {
    return this.pool !== undefined;
  }

  async find(userId: string, provider: string): Promise<StoredUserKey | null> {
    if (!this.pool) return null;
    const { rows } = await this.pool.query<Row>(
      'SELECT kid, iv, ciphertext, tag, base_url FROM provider_keys WHERE user_id = $1 AND provider = $2',
      [userId, provider],
    );
    const row = rows[0];
    if (!row) return null;
    return { sealed: { kid: row.kid, iv: row.iv, ciphertext: row.ciphertext, tag: row.tag }, baseUrl: row.base_url };
  }

  /** Marks the key used; skipped within a minute of the last mark, so busy users cost no write per call. */
  async touch(userId: string, provider: string): Promise<void> {
    await this.pool?.query(
      `UPDATE provider_keys SET last_used_at = now() WHERE user_id = $1 AND provider = $2
         AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [userId, provider],
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.end();
  }
}
