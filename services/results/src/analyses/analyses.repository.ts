import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AnalysisStatus,
  type AnalysisError,
  type AnalysisFinishJob,
  type CreateAnalysisCommand,
} from '@ultra/contracts';
import { DataSource } from 'typeorm';
import { AnalysisEntity } from './analysis.entity';
import type { PageCursor } from './page-cursor';
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
}

export interface AnalysisProgress {
  status: AnalysisStatus;
  storedOutputs: number;
  storedRuns: number;
}

export interface AnalysisEnd {
  status: typeof AnalysisStatus.Completed | typeof AnalysisStatus.Failed;
  result: AnalysisFinishJob['result'];
  error: AnalysisError | null;
}

/**
 * Truncated to milliseconds because the listing cursor carries created_at as a JS Date: a microsecond the
 * cursor cannot express would make keyset pagination skip or repeat rows.
 */
const NOW_MS = () => "date_trunc('milliseconds', now())";
const ENDED = [AnalysisStatus.Completed, AnalysisStatus.Failed];

/** Every query of the results tables. Writes are idempotent by id or by the outputs' natural key. */
@Injectable()
export class AnalysesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the analysis unless its id exists; true when this call created it. */
  async insertIfAbsent(command: CreateAnalysisCommand): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AnalysisEntity)
      .values({
        id: command.id,
        userId: command.userId,
        requestId: command.requestId,
        status: AnalysisStatus.Queued,
        pattern: command.pattern,
        patternSpec: command.patternSpec as AnalysisEntity['patternSpec'],
        params: command.params,
        options: command.options,
        sourceAnalysisId: command.sourceAnalysisId ?? null,
        models: command.models,
        ultraModel: command.ultraModel,
        prompt: command.prompt,
        createdAt: NOW_MS,
        updatedAt: NOW_MS,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    return Array.isArray(result.raw) && result.raw.length > 0;
  }

  /**
   * Deletes the analysis only while it is still queued, its runs and outputs with it (ON DELETE CASCADE). The status sits
   * in the WHERE so an analysis the orchestrator starts meanwhile is never deleted. True when this call deleted it.
   */
  async deleteQueued(id: string, userId: string): Promise<boolean> {
    const deleted = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(AnalysisEntity)
      .where('id = :id AND user_id = :userId AND status = :queued', { id, userId, queued: AnalysisStatus.Queued })
      .execute();
    return Boolean(deleted.affected);
  }

  findById(id: string): Promise<AnalysisEntity | null> {
    return this.dataSource.getRepository(AnalysisEntity).findOneBy({ id });
  }

  findOwned(id: string, userId: string): Promise<AnalysisEntity | null> {
    return this.dataSource.getRepository(AnalysisEntity).findOneBy({ id, userId });
  }

  outputsOf(analysisId: string): Promise<StageOutputEntity[]> {
    return this.dataSource
      .getRepository(StageOutputEntity)
      .find({ where: { analysisId }, order: { stageIndex: 'ASC', model: 'ASC', sample: 'ASC' } });
  }

  runsOf(analysisId: string): Promise<StageRunEntity[]> {
    return this.dataSource.getRepository(StageRunEntity).find({ where: { analysisId }, order: { stageIndex: 'ASC' } });
  }

  /** One page of a user's analyses, newest first; `take` rows after the cursor's position. */
  findPage(userId: string, take: number, cursor: PageCursor | null): Promise<AnalysisEntity[]> {
    const query = this.dataSource
      .getRepository(AnalysisEntity)
      .createQueryBuilder('a')
      .where('a.userId = :userId', { userId });
    if (cursor) {
      query.andWhere('(a.createdAt, a.id) < (:createdAt, :id)', { createdAt: cursor.createdAt, id: cursor.id });
    }
    return query.orderBy('a.createdAt', 'DESC').addOrderBy('a.id', 'DESC').limit(take).getMany();
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
      reused: o.reused,
      latency_ms: o.latencyMs,
      input_tokens: o.inputTokens,
      cached_input_tokens: o.cachedInputTokens,
      reasoning_tokens: o.reasoningTokens,
      cost_usd: o.costUsd,
      output_tokens: o.outputTokens,
      finish_reason: o.finishReason,
    }));
    const result = await this.dataSource.query<{ found: number; runs: number; outputs: number }[]>(
      `WITH touched AS (
         UPDATE analyses
            SET status = CASE WHEN status = $2 THEN $3 ELSE status END, updated_at = ${NOW_MS()}
          WHERE id = $1
          RETURNING id
       ), run AS (
         INSERT INTO stage_runs (analysis_id, stage_index, stage, label, kind, round, aggregate, note)
         SELECT touched.id, $4, $5, $6, $7, $8, $9::jsonb, $10
           FROM touched
         ON CONFLICT (analysis_id, stage_index) DO NOTHING
         RETURNING 1
       ), inserted AS (
         INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, sample, status, text, error, data,
                                    data_error, reused, latency_ms, input_tokens, output_tokens, finish_reason,
                                    cached_input_tokens, reasoning_tokens, cost_usd)
         SELECT touched.id, $5, $4, o.model, o.sample, o.status, o.text, o.error, o.data,
                o.data_error, o.reused, o.latency_ms, o.input_tokens, o.output_tokens, o.finish_reason,
                o.cached_input_tokens, o.reasoning_tokens, o.cost_usd
           FROM touched
          CROSS JOIN jsonb_to_recordset($11::jsonb) AS o(model varchar, sample integer, status varchar, text text,
                error jsonb, data jsonb, data_error text, reused boolean, latency_ms integer, input_tokens integer,
                output_tokens integer, finish_reason text, cached_input_tokens integer, reasoning_tokens integer,
                cost_usd numeric)
         ON CONFLICT (analysis_id, stage_index, model, sample) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM touched)::int AS found, (SELECT count(*) FROM run)::int AS runs,
              (SELECT count(*) FROM inserted)::int AS outputs`,
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
    return { runInserted: counts.runs > 0, outputsInserted: counts.outputs };
  }

  /** queued → running; a no-op for an analysis that is already further along. */
  async markRunning(analysisId: string): Promise<boolean> {
    const updated = await this.dataSource
      .createQueryBuilder()
      .update(AnalysisEntity)
      .set({ status: AnalysisStatus.Running, updatedAt: NOW_MS })
      .where('id = :analysisId AND status = :queued', { analysisId, queued: AnalysisStatus.Queued })
      .execute();
    return Boolean(updated.affected);
  }

  /**
   * Records how the analysis ended, but only once at least `expectedOutputs` outputs and `expectedRuns` runs are
   * stored: stage records are stored concurrently and may still be on their way (0 runs: a job from before runs were
   * counted). The counts sit in the WHERE so checking and ending are one statement, with no window for a record to
   * land in between. The first end wins, so a re-delivered finish changes nothing. True when this call ended it.
   */
  async finish(analysisId: string, end: AnalysisEnd, expected: { outputs: number; runs: number }): Promise<boolean> {
    const { result } = end;
    // Wrapped in a CTE so the driver answers rows (for an UPDATE, TypeORM answers [rows, count]).
    const [row] = await this.dataSource.query<{ ended: number }[]>(
      `WITH ended AS (
         UPDATE analyses
            SET status = $2, result_stage = $3, result_stage_index = $4, result_model = $5, result_sample = $6,
                result_text = $7, result_data = $8::jsonb, error = $9::jsonb,
                completed_at = ${NOW_MS()}, updated_at = ${NOW_MS()}
          WHERE id = $1 AND status <> ALL($10::varchar[])
            AND (SELECT count(*) FROM stage_outputs WHERE analysis_id = $1) >= $11
            AND (SELECT count(*) FROM stage_runs WHERE analysis_id = $1) >= $12
         RETURNING 1
       )
       SELECT count(*)::int AS ended FROM ended`,
      [
        analysisId,
        end.status,
        result?.stage ?? null,
        result?.stageIndex ?? null,
        result?.model ?? null,
        result?.sample ?? null,
        result?.text ?? null,
        result ? JSON.stringify(result.data) : null,
        end.error ? JSON.stringify(end.error) : null,
        ENDED,
        expected.outputs,
        expected.runs,
      ],
    );
    return (row?.ended ?? 0) > 0;
  }

  /** Where an analysis stands for a finish that changed nothing: its status and how much of it is stored. */
  async progressOf(analysisId: string): Promise<AnalysisProgress | null> {
    const rows = await this.dataSource.query<AnalysisProgress[]>(
      `SELECT a.status,
              (SELECT count(*) FROM stage_outputs o WHERE o.analysis_id = a.id)::int AS "storedOutputs",
              (SELECT count(*) FROM stage_runs r WHERE r.analysis_id = a.id)::int AS "storedRuns"
         FROM analyses a
        WHERE a.id = $1`,
      [analysisId],
    );
    return rows[0] ?? null;
  }
}
