import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AnalysisStatus,
  type AnalysisError,
  type CreateAnalysisCommand,
  type ModelId,
  type StageName,
} from '@ultra/contracts';
import { DataSource } from 'typeorm';
import { AnalysisEntity } from './analysis.entity';
import type { PageCursor } from './page-cursor';
import { StageOutputEntity } from './stage-output.entity';

export type NewStageOutput = Omit<StageOutputEntity, 'id' | 'createdAt'>;

export interface AnalysisProgress {
  status: AnalysisStatus;
  storedOutputs: number;
}

export interface AnalysisEnd {
  status: typeof AnalysisStatus.Completed | typeof AnalysisStatus.Failed;
  result: { stage: StageName; model: ModelId } | null;
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
   * Deletes the analysis only while it is still queued, its outputs with it (ON DELETE CASCADE). The status sits
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
      .find({ where: { analysisId }, order: { stageIndex: 'ASC', createdAt: 'ASC' } });
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
   * Stores a stage run's outputs and marks a queued analysis running. One statement, so it is atomic and costs a
   * single round trip; outputs already stored (a re-delivered stage.record) are left alone by the natural key.
   * The number of rows this call inserted, or null when the analysis is unknown.
   */
  async recordStageOutputs(analysisId: string, outputs: readonly NewStageOutput[]): Promise<number | null> {
    const rows = outputs.map((o) => ({
      stage: o.stage,
      stage_index: o.stageIndex,
      model: o.model,
      status: o.status,
      text: o.text,
      error: o.error,
      latency_ms: o.latencyMs,
      input_tokens: o.inputTokens,
      cached_input_tokens: o.cachedInputTokens,
      reasoning_tokens: o.reasoningTokens,
      cost_usd: o.costUsd,
      output_tokens: o.outputTokens,
      finish_reason: o.finishReason,
    }));
    const result = await this.dataSource.query<{ found: number; inserted: number }[]>(
      `WITH touched AS (
         UPDATE analyses
            SET status = CASE WHEN status = $2 THEN $3 ELSE status END, updated_at = ${NOW_MS()}
          WHERE id = $1
          RETURNING id
       ), inserted AS (
         INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, status, text, error, latency_ms,
                                    input_tokens, output_tokens, finish_reason,
                                    cached_input_tokens, reasoning_tokens, cost_usd)
         SELECT touched.id, o.stage, o.stage_index, o.model, o.status, o.text, o.error, o.latency_ms,
                o.input_tokens, o.output_tokens, o.finish_reason,
                o.cached_input_tokens, o.reasoning_tokens, o.cost_usd
           FROM touched
          CROSS JOIN jsonb_to_recordset($4::jsonb) AS o(stage varchar, stage_index integer, model varchar,
                status varchar, text text, error jsonb, latency_ms integer, input_tokens integer,
                output_tokens integer, finish_reason text, cached_input_tokens integer, reasoning_tokens integer,
                cost_usd numeric)
         ON CONFLICT (analysis_id, stage, model) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM touched)::int AS found, (SELECT count(*) FROM inserted)::int AS inserted`,
      [analysisId, AnalysisStatus.Queued, AnalysisStatus.Running, JSON.stringify(rows)],
    );
    const [counts] = result;
    return counts && counts.found > 0 ? counts.inserted : null;
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
   * Records how the analysis ended, but only once at least `expectedOutputs` outputs are stored: stage records
   * are stored concurrently and may still be on their way. The count sits in the WHERE so checking and ending
   * are one statement, with no window for a record to land in between. The first end wins, so a re-delivered
   * finish changes nothing. True when this call ended the analysis.
   */
  async finish(analysisId: string, end: AnalysisEnd, expectedOutputs: number): Promise<boolean> {
    const updated = await this.dataSource
      .createQueryBuilder()
      .update(AnalysisEntity)
      .set({
        status: end.status,
        resultStage: end.result?.stage ?? null,
        resultModel: end.result?.model ?? null,
        error: end.error,
        completedAt: NOW_MS,
        updatedAt: NOW_MS,
      })
      .where('id = :analysisId AND status NOT IN (:...ended)', { analysisId, ended: ENDED })
      .andWhere('(SELECT count(*) FROM stage_outputs WHERE analysis_id = :analysisId) >= :expectedOutputs', {
        expectedOutputs,
      })
      .execute();
    return Boolean(updated.affected);
  }

  /** Where an analysis stands for a finish that changed nothing: its status and how many outputs are stored. */
  async progressOf(analysisId: string): Promise<AnalysisProgress | null> {
    const rows = await this.dataSource.query<AnalysisProgress[]>(
      `SELECT a.status, (SELECT count(*) FROM stage_outputs o WHERE o.analysis_id = a.id)::int AS "storedOutputs"
         FROM analyses a
        WHERE a.id = $1`,
      [analysisId],
    );
    return rows[0] ?? null;
  }
}
