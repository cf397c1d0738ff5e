import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { WebhookSecret } from '@ultra/contracts';
import { DataSource } from 'typeorm';

interface SecretRow {
  secret: string;
  created_at: Date;
}

/** 32 random bytes: as strong as the HMAC-SHA256 key can use. The prefix tells a reader what it is. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const toSecret = (row: SecretRow): WebhookSecret => ({ secret: row.secret, createdAt: row.created_at.toISOString() });

/** Each user's webhook signing secret (table webhook_secrets): one per user, made on first use. */
@Injectable()
export class WebhookSecretsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's secret, made now if they have none; two first reads at once agree on one (the insert that won). */
  async getOrCreate(userId: string): Promise<WebhookSecret> {
    await this.dataSource.query(
      `INSERT INTO webhook_secrets (user_id, secret) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`,
      [userId, newSecret()],
    );
    const rows = await this.dataSource.query<SecretRow[]>(
      `SELECT secret, created_at FROM webhook_secrets WHERE user_id = $1`,
      [userId],
    );
    const [row] = rows;
    if (!row) throw new Error(`webhook secret of user ${userId} vanished while it was read`);
    return toSecret(row);
  }

  /** Replaces the user's secret (or makes their first); deliveries from now on are signed with the new one. */
  async rotate(userId: string): Promise<WebhookSecret> {
    const rows = await this.dataSource.query<SecretRow[]>(
      `INSERT INTO webhook_secrets (user_id, secret) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now()
       RETURNING secret, created_at`,
      [userId, newSecret()],
    );
    const [row] = rows;
    if (!row) throw new Error(`webhook secret of user ${userId} was not stored`);
    return toSecret(row);
  }
}
