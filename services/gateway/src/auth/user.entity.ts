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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
