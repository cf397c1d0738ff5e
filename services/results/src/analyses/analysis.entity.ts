import type { AnalysisError, AnalysisStatus, ModelId, PatternId, StageName } from '@ultra/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One analysis as the gateway created it, plus where it stands. The id comes from the gateway, so a retried
 * create finds the row it already made. Schema changes go through migrations (see database/migrations).
 */
@Entity({ name: 'analyses' })
export class AnalysisEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 200 })
  requestId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: AnalysisStatus;

  @Column({ type: 'varchar', length: 32 })
  pattern!: PatternId;

  /** Ordered: outputs of every stage are shown in this order. */
  @Column({ type: 'jsonb' })
  models!: ModelId[];

  @Column({ name: 'ultra_model', type: 'varchar', length: 200 })
  ultraModel!: ModelId;

  @Column({ type: 'text' })
  prompt!: string;

  @Column({ name: 'result_stage', type: 'varchar', length: 16, nullable: true })
  resultStage!: StageName | null;

  @Column({ name: 'result_model', type: 'varchar', length: 200, nullable: true })
  resultModel!: ModelId | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: AnalysisError | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
