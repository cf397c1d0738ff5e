import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AnalysisStatus, type Usage } from '@ultra/contracts';
import { DataSource } from 'typeorm';
import { NOW_MS } from './analyses.repository';
import { StageOutputEntity } from './stage-output.entity';
import { StageRunEntity } from './stage-run.entity';

/** An output as stage.record stores it; the run it belongs to gives analysis, stage and index. */
export type NewStageOutput = Omit<StageOutputEntity, 'id' | 'createdAt' | 'analysisId' | 'stage' | 'stageIndex'>;

/** A stage run and its outputs (none for aggregate and skipped runs), stored together. */
export interface NewStageRun extends Omit<StageRunEntity, 'analysisId' | 'createdAt'> {
  outputs: readonly NewStageOutput[];
}

/** What one stage.record stored: nothing when it was a re-delivery. */
export interface RecordedRun {
  runInserted: boolean;
  outputsInserted: number;
  /** The analysis' owner, and what the outputs inserted now (not those stored before) used: a user's day's usage. */
  userId: string;
  inserted: { inputTokens: number; outputTokens: number; costUsd: number };
}

interface RecordCounts {
  found: number;
  runs: number;
  outputs: number;
  user_id: string;
  /** bigint sums arrive as strings. */
  input_tokens: string;
  output_tokens: string;
  cost_usd: number;
}

/** bigint and numeric sums arrive as strings; the optional sums are null when no output reported them. */
interface UsageRow {
  analysis_id: string;
  input_tokens: string;
  output_tokens: string;
  cost_usd: string;
  cached_input_tokens: string | null;
  reasoning_tokens: string | null;
}

/** The stage runs of analyses and their outputs. Writes are idempotent by the natural keys. */
@Injectable()
export class StageRunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  outputsOf(analysisId: string): Promise<StageOutputEntity[]> {
    return this.dataSource
      .getRepository(StageOutputEntity)
      .find({ where: { analysisId }, order: { stageIndex: 'ASC', model: 'ASC', sample: 'ASC' } });
  }

  /**
   * Each analysis' usage totals, as totalUsage computes them from its outputs, in one grouped query for a whole
   * page of analyses. Analyses without outputs are absent from the map. numeric sums exactly, so costs add up as
   * totalUsage's do.
   */
  async usageOf(analysisIds: readonly string[]): Promise<Map<string, Usage>> {
    if (!analysisIds.length) return new Map();
    const rows = await this.dataSource.query<UsageRow[]>(
      `SELECT analysis_id, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              sum(cost_usd) AS cost_usd, sum(cached_input_tokens) AS cached_input_tokens,
              sum(reasoning_tokens) AS reasoning_tokens
         FROM stage_outputs
        WHERE analysis_id = ANY($1::uuid[])
        GROUP BY analysis_id`,
      [analysisIds],
    );
    return new Map(rows.map((row) => [row.analysis_id, usageOfRow(row)]));
  }

  runsOf(analysisId: string): Promise<StageRunEntity[]> {
    return this.dataSource.getRepository(StageRunEntity).find({ where: { analysisId }, order: { stageIndex: 'ASC' } });
  }

  /**
   * Stores a stage run with its outputs and marks a queued analysis running. One statement, so the run and its
   * outputs land together (analysis.finish never counts one without the other) at the cost of a single round trip;
   * a re-delivered stage.record finds both natural keys taken and stores nothing. Null when the analysis is unknown.
   */
  async recordStageRun(analysisId: string, run: NewStageRun): Promise<RecordedRun | null> {
    const outputs = run.outputs.map((o) => ({
      model: o.model,
      sample: o.sample,
      status: o.status,
      text: o.text,
      error: o.error,
      data: o.data,
      data_error: o.dataError,
      tool_calls: o.toolCalls,
      reused: o.reused,
      answered_by: o.answeredBy,
      fallback_reason: o.fallbackReason,
      cached: o.cached,
      repaired_chars: o.repairedChars,
      latency_ms: o.latencyMs,
      input_tokens: o.inputTokens,
      cached_input_tokens: o.cachedInputTokens,
      reasoning_tokens: o.reasoningTokens,
      cost_usd: o.costUsd,
      output_tokens: o.outputTokens,
      finish_reason: o.finishReason,
    }));
    const result = await this.dataSource.query<RecordCounts[]>(
      `WITH touched AS (
         UPDATE analyses
            SET status = CASE WHEN status = $2 THEN $3 ELSE status END, updated_at = ${NOW_MS()}
          WHERE id = $1
          RETURNING id, user_id
       ), run AS (
         INSERT INTO stage_runs (analysis_id, stage_index, stage, label, kind, round, aggregate, note)
         SELECT touched.id, $4, $5, $6, $7, $8, $9::jsonb, $10
           FROM touched
         ON CONFLICT (analysis_id, stage_index) DO NOTHING
         RETURNING 1
       ), inserted AS (
         INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, sample, status, text, error, data,
                                    data_error, reused, answered_by, fallback_reason, cached, repaired_chars,
                                    latency_ms, input_tokens, output_tokens, finish_reason, cached_input_tokens,
                                    reasoning_tokens, cost_usd, tool_calls)
         SELECT touched.id, $5, $4, o.model, o.sample, o.status, o.text, o.error, o.data,
                o.data_error, o.reused, o.answered_by, o.fallback_reason, o.cached, o.repaired_chars,
                o.latency_ms, o.input_tokens, o.output_tokens, o.finish_reason, o.cached_input_tokens,
                o.reasoning_tokens, o.cost_usd, o.tool_calls
           FROM touched
          CROSS JOIN jsonb_to_recordset($11::jsonb) AS o(model varchar, sample integer, status varchar, text text,
                error jsonb, data jsonb, data_error text, reused boolean, answered_by varchar, fallback_reason text,
                cached boolean, repaired_chars integer, latency_ms integer, input_tokens integer,
                output_tokens integer, finish_reason text, cached_input_tokens integer, reasoning_tokens integer,
                cost_usd numeric, tool_calls jsonb)
         ON CONFLICT (analysis_id, stage_index, model, sample) DO NOTHING
         RETURNING input_tokens, output_tokens, cost_usd
       )
       SELECT (SELECT count(*) FROM touched)::int AS found, (SELECT count(*) FROM run)::int AS runs,
              (SELECT count(*) FROM inserted)::int AS outputs, (SELECT user_id FROM touched) AS user_id,
              (SELECT coalesce(sum(input_tokens), 0) FROM inserted)::bigint AS input_tokens,
              (SELECT coalesce(sum(output_tokens), 0) FROM inserted)::bigint AS output_tokens,
              (SELECT coalesce(sum(cost_usd), 0) FROM inserted)::float8 AS cost_usd`,
      [
        analysisId,
        AnalysisStatus.Queued,
        AnalysisStatus.Running,
        run.stageIndex,
        run.stage,
        run.label,
        run.kind,
        run.round,
        run.aggregate === null ? null : JSON.stringify(run.aggregate),
        run.note,
        JSON.stringify(outputs),
      ],
    );
    const [counts] = result;
    if (!counts || counts.found === 0) return null;
    return {
      runInserted: counts.runs > 0,
      outputsInserted: counts.outputs,
      userId: counts.user_id,
      inserted: {
        inputTokens: Number(counts.input_tokens),
        outputTokens: Number(counts.output_tokens),
        costUsd: counts.cost_usd,
      },
    };
  }
}

function usageOfRow(row: UsageRow): Usage {
  const usage: Usage = {
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: Number(row.cost_usd),
  };
  if (row.cached_input_tokens !== null) usage.cachedInputTokens = Number(row.cached_input_tokens);
  if (row.reasoning_tokens !== null) usage.reasoningTokens = Number(row.reasoning_tokens);
  return usage;
}
