import type {
  AnalysisDocument,
  AnalysisError,
  AnalysisOptions,
  AnalysisStatus,
  ChatMessage,
  HistoryExchange,
  ModelId,
  PatternId,
  PatternSpec,
  StageName,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '@ultra/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One analysis as the gateway created it, plus where it stands. The id comes from the gateway, so a retried
 * create finds the row it already made. Schema changes go through migrations (see database/migrations).
 */
/** What a compatible-API call carried beside the question (AnalysisSpec's system, conversation and tools). */
export interface ClientConversation {
  system?: string;
  turns?: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
}

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

  @Column({ type: 'varchar', length: 64 })
  pattern!: PatternId;

  /** The resolved pattern document the analysis ran; null for analyses stored before patterns were data. */
  @Column({ name: 'pattern_spec', type: 'jsonb', nullable: true })
  patternSpec!: PatternSpec | null;

  /** Every declared parameter's value, defaults filled in. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  params!: Record<string, number>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  options!: AnalysisOptions;

  /** The analysis this one reran; references analyses(id) ON DELETE SET NULL (see the migration). */
  @Column({ name: 'source_analysis_id', type: 'uuid', nullable: true })
  sourceAnalysisId!: string | null;

  /** Its own id for a first analysis; follow-ups inherit their parent's (see the threads migration). */
  @Column({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  /** The analysis this one follows up; references analyses(id) ON DELETE SET NULL. */
  @Column({ name: 'parent_analysis_id', type: 'uuid', nullable: true })
  parentAnalysisId!: string | null;

  /** A follow-up's earlier exchanges as its prompts carried them, and how many older ones were left out. */
  @Column({ type: 'jsonb', nullable: true })
  history!: { exchanges: HistoryExchange[]; omitted: number } | null;

  /** A compatible-API call's system instructions, turns and tools; null for other analyses. */
  @Column({ type: 'jsonb', nullable: true })
  conversation!: ClientConversation | null;

  /** Attached documents: the chunks the prompts showed and their text; null without documents. */
  @Column({ type: 'jsonb', nullable: true })
  documents!: AnalysisDocument[] | null;

  /** Ordered: outputs of every stage are shown in this order. */
  @Column({ type: 'jsonb' })
  models!: ModelId[];

  @Column({ name: 'ultra_model', type: 'varchar', length: 200 })
  ultraModel!: ModelId;

  @Column({ type: 'text' })
  prompt!: string;

  /** The output that is the answer: stage run, model and sample. */
  @Column({ name: 'result_stage', type: 'varchar', length: 64, nullable: true })
  resultStage!: StageName | null;

  @Column({ name: 'result_stage_index', type: 'int', nullable: true })
  resultStageIndex!: number | null;

  @Column({ name: 'result_model', type: 'varchar', length: 200, nullable: true })
  resultModel!: ModelId | null;

  @Column({ name: 'result_sample', type: 'int', nullable: true })
  resultSample!: number | null;

  /** The answer: the output's text, or its JSON `answer` field. */
  @Column({ name: 'result_text', type: 'text', nullable: true })
  resultText!: string | null;

  /** Named data of the pattern's result (ranking, agreement, votes…). */
  @Column({ name: 'result_data', type: 'jsonb', nullable: true })
  resultData!: Record<string, unknown> | null;

  /** The answer's tool calls (direct analyses with tools); null when it called none. */
  @Column({ name: 'result_tool_calls', type: 'jsonb', nullable: true })
  resultToolCalls!: ToolCall[] | null;

  /** Why the answer stopped, as its provider said (`stop`, `length`, `tool_calls`…). */
  @Column({ name: 'result_finish_reason', type: 'text', nullable: true })
  resultFinishReason!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: AnalysisError | null;

  /**
   * When the orchestrator gives up on the analysis (epoch ms), from analysis.started; the watchdog ends it once it
   * is past this and a grace. bigint arrives from pg as a string.
   */
  @Column({
    name: 'deadline_at',
    type: 'bigint',
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  deadlineAt!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** Where the ended analysis is POSTed; the webhook_* columns say how that went (see webhooks/). */
  @Column({ name: 'callback_url', type: 'varchar', length: 2048, nullable: true })
  callbackUrl!: string | null;

  @Column({ name: 'webhook_attempts', type: 'int', default: 0 })
  webhookAttempts!: number;

  @Column({ name: 'webhook_last_status', type: 'int', nullable: true })
  webhookLastStatus!: number | null;

  @Column({ name: 'webhook_last_error', type: 'text', nullable: true })
  webhookLastError!: string | null;

  @Column({ name: 'webhook_delivered_at', type: 'timestamptz', nullable: true })
  webhookDeliveredAt!: Date | null;
}
