import type { UserRole, UserTier } from '@ultra/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A gateway account. Emails are stored lower-cased, so the unique constraint is case-insensitive in effect. */
@Entity({ name: 'users' })
@Unique('users_email_key', ['email'])
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'user' })
  role!: UserRole;

  @Column({ type: 'varchar', length: 16, default: 'free' })
  tier!: UserTier;

  /** Set by an admin: the account can no longer sign in and its tokens stop working. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
