import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AnalysisStatus,
  type AnalysisError,
  type AnalysisFilters,
  type AnalysisFinishJob,
  type CreateAnalysisCommand,
} from '@ultra/contracts';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AnalysisEntity, type ClientConversation } from './analysis.entity';
import type { PageCursor } from './page-cursor';

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
export const NOW_MS = (): string => "date_trunc('milliseconds', now())";
export const ENDED = [AnalysisStatus.Completed, AnalysisStatus.Failed];

/** The analyses table. Writes are idempotent by id, and ending an analysis happens once. */
/** The compatible API's extras of a create, or null when it carries none (every other analysis). */
function conversationOf(command: CreateAnalysisCommand): ClientConversation | null {
  const { system, conversation: turns, tools, toolChoice } = command;
  if (system === undefined && !turns?.length && !tools?.length && toolChoice === undefined) return null;
  return {
    ...(system !== undefined && { system }),
    ...(turns?.length && { turns }),
    ...(tools?.length && { tools }),
    ...(toolChoice !== undefined && { toolChoice }),
  };
}

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
        callbackUrl: command.callbackUrl ?? null,
        documents: command.documents?.length ? command.documents : null,
        threadId: command.threadId ?? command.id,
        parentAnalysisId: command.parentAnalysisId ?? null,
        history: command.history ? { exchanges: command.history, omitted: command.historyOmitted ?? 0 } : null,
        // TypeORM's partial-entity type cannot follow the tool-choice union; the value is the column's type.
        conversation: conversationOf(command) as QueryDeepPartialEntity<AnalysisEntity>['conversation'],
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
   * Deletes the analysis only while its status is one of `statuses`, its runs and outputs with it (ON DELETE
   * CASCADE). The status sits in the WHERE so an analysis that moves on meanwhile (the orchestrator starts a queued
   * one) is never deleted. True when this call deleted it.
   */
  async deleteIn(id: string, userId: string, statuses: readonly AnalysisStatus[]): Promise<boolean> {
    const deleted = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(AnalysisEntity)
      .where('id = :id AND user_id = :userId AND status IN (:...statuses)', { id, userId, statuses })
      .execute();
    return Boolean(deleted.affected);
  }

  findById(id: string): Promise<AnalysisEntity | null> {
    return this.dataSource.getRepository(AnalysisEntity).findOneBy({ id });
  }

  findOwned(id: string, userId: string): Promise<AnalysisEntity | null> {
    return this.dataSource.getRepository(AnalysisEntity).findOneBy({ id, userId });
  }

  /**
   * One page of a user's analyses that pass the filters, newest first; `take` rows after the cursor's position. `q`
   * matches the generated `search` tsvector (prompt and final answer; see the analysis-search migration) through
   * websearch_to_tsquery, which accepts any text without a syntax error.
   */
  findPage(
    userId: string,
    take: number,
    cursor: PageCursor | null,
    filters: AnalysisFilters,
  ): Promise<AnalysisEntity[]> {
    const query = this.dataSource
      .getRepository(AnalysisEntity)
      .createQueryBuilder('a')
      .where('a.userId = :userId', { userId });
    if (filters.status) query.andWhere('a.status IN (:...statuses)', { statuses: filters.status });
    if (filters.pattern) query.andWhere('a.pattern = :pattern', { pattern: filters.pattern });
    if (filters.model)
      query.andWhere('a.models @> CAST(:models AS jsonb)', { models: JSON.stringify([filters.model]) });
    if (filters.from) query.andWhere('a.createdAt >= :from', { from: filters.from });
    if (filters.to) query.andWhere('a.createdAt < :to', { to: filters.to });
    if (filters.q) query.andWhere(`a.search @@ websearch_to_tsquery('simple', :q)`, { q: filters.q });
    if (cursor) {
      query.andWhere('(a.createdAt, a.id) < (:createdAt, :id)', { createdAt: cursor.createdAt, id: cursor.id });
    }
    return query.orderBy('a.createdAt', 'DESC').addOrderBy('a.id', 'DESC').limit(take).getMany();
  }

  /**
   * The orchestrator started the analysis: queued → running, and its deadline. A later start of the same analysis
   * (recovered after its work was lost) moves the deadline; an ended analysis is left alone. True when it was queued.
   */
  async markStarted(analysisId: string, deadlineAt: number | null): Promise<boolean> {
    const [row] = await this.dataSource.query<{ queued: boolean }[]>(
      `WITH before AS (
         SELECT status FROM analyses WHERE id = $1 FOR UPDATE
       ), started AS (
         UPDATE analyses a
            SET status = $2, deadline_at = COALESCE($4, a.deadline_at), updated_at = ${NOW_MS()}
           FROM before
          WHERE a.id = $1 AND a.status <> ALL($3::varchar[])
         RETURNING before.status = 'queued' AS queued
       )
       SELECT queued FROM started`,
      [analysisId, AnalysisStatus.Running, ENDED, deadlineAt],
    );
    return row?.queued ?? false;
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
                result_tool_calls = $13::jsonb, result_finish_reason = $14,
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
        result?.toolCalls?.length ? JSON.stringify(result.toolCalls) : null,
        result?.finishReason ?? null,
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
