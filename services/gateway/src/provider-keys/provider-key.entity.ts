import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A user's own key for one provider, sealed (see libs/platform crypto/key-encryption.ts). Always read by owner. */
@Entity({ name: 'provider_keys' })
export class ProviderKeyEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  provider!: string;

  @Column({ type: 'varchar', length: 32 })
  kid!: string;

  @Column({ type: 'bytea' })
  iv!: Buffer;

  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  @Column({ type: 'bytea' })
  tag!: Buffer;

  @Column({ type: 'varchar', length: 4 })
  last4!: string;

  @Column({ name: 'base_url', type: 'varchar', length: 2048, nullable: true })
  baseUrl!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
