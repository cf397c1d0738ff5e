import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A user's default panel, stored as validated when set; always read by owner (the primary key). */
@Entity({ name: 'user_defaults' })
export class UserDefaultsEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** Model ids in the caller's order (the order is the panel's). */
  @Column({ type: 'jsonb' })
  models!: string[];

  @Column({ name: 'ultra_model', type: 'varchar', length: 200 })
  ultraModel!: string;

  /** null: analyses use the server's default pattern. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  pattern!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
