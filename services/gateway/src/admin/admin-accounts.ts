import { randomUUID } from 'node:crypto';
import { AuditEventType, type UserRole, type UserTier } from '@ultra/contracts';
import type { DataSource } from 'typeorm';

/** What `npm run admin` reports back, one line per command. */
export class AdminCliError extends Error {}

interface AccountRow {
  id: string;
  role: UserRole;
  disabled_at: Date | null;
}

/**
 * The admin CLI's account changes, straight on the gateway's database (no HTTP route can make an admin). Each is
 * recorded in the audit log with no actor and `via: cli`. Disabling needs no Redis: the gateway reads
 * `disabled_at` on every request and every refresh, so the account's tokens stop at once.
 */
export class AdminAccounts {
  constructor(private readonly db: DataSource) {}

  async create(email: string, passwordHash: string, tier: UserTier): Promise<string> {
    if (await this.find(email)) {
      throw new AdminCliError(`an account with email ${email} already exists; use: npm run admin -- promote ${email}`);
    }
    const id = randomUUID();
    await this.db.query(`INSERT INTO users (id, email, password_hash, role, tier) VALUES ($1, $2, $3, 'admin', $4)`, [
      id,
      email,
      passwordHash,
      tier,
    ]);
    await this.audit(AuditEventType.RoleChanged, id, { from: null, to: 'admin' });
    return id;
  }

  async promote(email: string): Promise<string> {
    const account = await this.found(email);
    if (account.role === 'admin') return `${email} is already an admin`;
    await this.db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [account.id]);
    await this.audit(AuditEventType.RoleChanged, account.id, { from: account.role, to: 'admin' });
    return `${email} is now an admin`;
  }

  async setDisabled(email: string, disabled: boolean): Promise<string> {
    const account = await this.found(email);
    if ((account.disabled_at !== null) === disabled) return `${email} is already ${disabled ? 'disabled' : 'enabled'}`;
    await this.db.query(`UPDATE users SET disabled_at = ${disabled ? 'now()' : 'NULL'} WHERE id = $1`, [account.id]);
    await this.audit(disabled ? AuditEventType.UserDisabled : AuditEventType.UserEnabled, account.id, {});
    return `${email} is now ${disabled ? 'disabled: it can no longer sign in, and its tokens stop working' : 'enabled'}`;
  }

  private async find(email: string): Promise<AccountRow | undefined> {
    const rows = await this.db.query<AccountRow[]>(`SELECT id, role, disabled_at FROM users WHERE email = $1`, [email]);
    return rows[0];
  }

  private async found(email: string): Promise<AccountRow> {
    const account = await this.find(email);
    if (!account) throw new AdminCliError(`no account with email ${email}`);
    return account;
  }

  private async audit(type: AuditEventType, userId: string, details: Record<string, unknown>): Promise<void> {
    await this.db.query(`INSERT INTO audit_events (id, user_id, type, details) VALUES ($1, $2, $3, $4)`, [
      randomUUID(),
      userId,
      type,
      { ...details, via: 'cli' },
    ]);
  }
}
