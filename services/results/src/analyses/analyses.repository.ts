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
   * Stores a stage's outputs and marks the analysis running, in one transaction. The analysis row is updated
   * first so that concurrent writers for one analysis queue up on its lock. False when the analysis is unknown.
   */
  recordStageOutputs(analysisId: string, outputs: readonly NewStageOutput[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const updated = await manager
        .createQueryBuilder()
        .update(AnalysisEntity)
        .set({
          status: () =>
            `CASE WHEN status = '${AnalysisStatus.Queued}' THEN '${AnalysisStatus.Running}' ELSE status END`,
          updatedAt: NOW_MS,
        })
        .where('id = :analysisId', { analysisId })
        .execute();
      if (!updated.affected) return false;
      if (outputs.length > 0) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(StageOutputEntity)
          .values([...outputs])
          .orIgnore()
          .execute();
      }
      return true;
    });
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

  /** Records how the analysis ended. The first end wins, so a re-delivered finish changes nothing. */
  async finish(analysisId: string, end: AnalysisEnd): Promise<boolean> {
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
      .execute();
    return Boolean(updated.affected);
  }
}
