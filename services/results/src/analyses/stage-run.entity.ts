import type { StageName } from '@ultra/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export const StageRunKind = { Generate: 'generate', Aggregate: 'aggregate', Skipped: 'skipped' } as const;
export type StageRunKind = (typeof StageRunKind)[keyof typeof StageRunKind];

/**
 * One run of a stage in one analysis: a round of a generate stage (its outputs are stage_outputs rows with the same
 * stage_index), an aggregate with its JSON result, or a stage its condition or a repeat count of 0 skipped.
 * (analysis_id, stage_index) is the natural key, so a re-delivered stage.record never adds a run.
 */
@Entity({ name: 'stage_runs' })
export class StageRunEntity {
  /** References analyses(id) ON DELETE CASCADE; the constraint lives in the migration. */
  @PrimaryColumn({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @PrimaryColumn({ name: 'stage_index', type: 'int' })
  stageIndex!: number;

  /** The stage's id in the pattern. */
  @Column({ type: 'varchar', length: 64 })
  stage!: StageName;

  @Column({ type: 'varchar', length: 100 })
  label!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: StageRunKind;

  /** Round or layer of a repeating stage, from 1. */
  @Column({ type: 'int', default: 1 })
  round!: number;

  @Column({ type: 'jsonb', nullable: true })
  aggregate!: Record<string, unknown> | null;

  /** Why a skipped run did not run. */
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
