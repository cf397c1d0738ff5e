import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';

/** A user's own pattern: the checked document, stored under its id (the slug), unique per user. */
@Entity({ name: 'user_patterns' })
@Unique('user_patterns_user_slug_key', ['userId', 'slug'])
export class UserPatternEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 48 })
  slug!: string;

  /** Checked again when read, so a document stored under an older schema cannot reach an analysis unchecked. */
  @Column({ type: 'jsonb' })
  spec!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
