import type { ModelId, OutputError, OutputStatus, StageName, ToolCall } from '@ultra/contracts';
import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const STAGE_OUTPUT_NATURAL_KEY = 'stage_outputs_run_model_sample_key';

/**
 * What one model answered (one sample of it) in one stage run of one analysis. (analysis_id, stage_index, model,
 * sample) is the natural key: a re-delivered stage.record inserts with ON CONFLICT DO NOTHING and so never
 * duplicates a row, while a stage run twice keeps both runs' rows.
 */
@Entity({ name: 'stage_outputs' })
@Unique(STAGE_OUTPUT_NATURAL_KEY, ['analysisId', 'stageIndex', 'model', 'sample'])
export class StageOutputEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** References analyses(id) ON DELETE CASCADE; the constraint lives in the migration. */
  @Column({ name: 'analysis_id', type: 'uuid' })
  analysisId!: string;

  @Column({ type: 'varchar', length: 64 })
  stage!: StageName;

  @Column({ name: 'stage_index', type: 'int' })
  stageIndex!: number;

  @Column({ type: 'varchar', length: 200 })
  model!: ModelId;

  /** Which of the model's samples (a stage that asks one model several times); 0 otherwise. */
  @Column({ type: 'int', default: 0 })
  sample!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: OutputStatus;

  @Column({ type: 'text', nullable: true })
  text!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: OutputError | null;

  /** Parsed JSON output of a stage that asked for json; null with dataError when it could not be parsed. */
  @Column({ type: 'jsonb', nullable: true })
  data!: Record<string, unknown> | null;

  @Column({ name: 'data_error', type: 'text', nullable: true })
  dataError!: string | null;

  /** The tool calls the model asked for (direct analyses with tools); null when it asked for none. */
  @Column({ name: 'tool_calls', type: 'jsonb', nullable: true })
  toolCalls!: ToolCall[] | null;

  /** Copied from the source analysis of a rerun: no call was made. */
  @Column({ type: 'boolean', default: false })
  reused!: boolean;

  /** The model that actually answered when a fallback stood in for `model`; null when `model` answered. */
  @Column({ name: 'answered_by', type: 'varchar', length: 200, nullable: true })
  answeredBy!: ModelId | null;

  /** Why the fallback answered (the requested model's breaker or failure). */
  @Column({ name: 'fallback_reason', type: 'text', nullable: true })
  fallbackReason!: string | null;

  /** Served from the response cache: no call was made. */
  @Column({ type: 'boolean', default: false })
  cached!: boolean;

  /** Characters replaced by U+FFFD to make the output storable (lone surrogates, NUL). */
  @Column({ name: 'repaired_chars', type: 'int', default: 0 })
  repairedChars!: number;

  @Column({ name: 'latency_ms', type: 'int' })
  latencyMs!: number;

  @Column({ name: 'input_tokens', type: 'int' })
  inputTokens!: number;

  @Column({ name: 'output_tokens', type: 'int' })
  outputTokens!: number;

  @Column({ name: 'cached_input_tokens', type: 'int', nullable: true })
  cachedInputTokens!: number | null;

  @Column({ name: 'reasoning_tokens', type: 'int', nullable: true })
  reasoningTokens!: number | null;

  /** numeric arrives from pg as a string; it is a number everywhere else. */
  @Column({
    name: 'cost_usd',
    type: 'numeric',
    precision: 18,
    scale: 8,
    transformer: { to: (v: number) => v, from: Number },
  })
  costUsd!: number;

  @Column({ name: 'finish_reason', type: 'text', nullable: true })
  finishReason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
