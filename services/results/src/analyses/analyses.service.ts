import { Injectable } from '@nestjs/common';
import type { AnalysisPage, AnalysisSource, AnalysisView, CreateAnalysisCommand } from '@ultra/contracts';
import { z } from 'zod';
import { ApiException } from '../http/api.exception';
import { AnalysesRepository } from './analyses.repository';
import type { ListAnalysesQuery } from './analysis-requests.schema';
import type { AnalysisEntity } from './analysis.entity';
import { StageRunsRepository } from './stage-runs.repository';
import { toAnalysisSource, toAnalysisSummary, toAnalysisView } from './analysis-view.mapper';
import { encodeCursor } from './page-cursor';

export interface CreatedAnalysis {
  /** False when the id already existed for the same user: the create was a retry. */
  created: boolean;
  view: AnalysisView;
}

const uuid = z.uuid();

/**
 * The internal API's use cases: create an analysis, read one (or what a rerun needs of it), list a user's, delete
 * one that never started.
 */
@Injectable()
export class AnalysesService {
  constructor(
    private readonly repository: AnalysesRepository,
    private readonly stageRuns: StageRunsRepository,
  ) {}

  /** Idempotent by id, so the gateway may retry a create whose answer it never saw. */
  async create(command: CreateAnalysisCommand): Promise<CreatedAnalysis> {
    const source = command.sourceAnalysisId;
    // A rerun links only to an analysis of the same user (the gateway read it through `source` just before).
    if (source && !(await this.repository.findOwned(source, command.userId))) {
      throw ApiException.validation('invalid analysis', [
        { path: 'sourceAnalysisId', message: `analysis ${source} not found` },
      ]);
    }
    const created = await this.repository.insertIfAbsent(command);
    const analysis = await this.repository.findById(command.id);
    // Only a concurrent delete could remove the row in between; report it as the conflict it is.
    if (!analysis || analysis.userId !== command.userId) throw ApiException.analysisIdTaken(command.id);
    if (created) return { created, view: toAnalysisView(analysis, [], []) };
    const [runs, outputs] = await this.runsAndOutputsOf(analysis.id);
    return { created, view: toAnalysisView(analysis, runs, outputs) };
  }

  async get(id: string, userId: string): Promise<AnalysisView> {
    const analysis = await this.findOwned(id, userId);
    return toAnalysisView(analysis, ...(await this.runsAndOutputsOf(id)));
  }

  /** For a rerun: the stored pattern, parameters and options, and every run with its outputs' texts and data. */
  async source(id: string, userId: string): Promise<AnalysisSource> {
    const analysis = await this.findOwned(id, userId);
    return toAnalysisSource(analysis, ...(await this.runsAndOutputsOf(id)));
  }

  /**
   * For the gateway when it could not queue an analysis it created. Idempotent: an analysis already gone is not an
   * error. One that has started is never deleted (409); another user's is reported missing (404), as in `get`.
   */
  async deleteQueued(id: string, userId: string): Promise<void> {
    if (await this.repository.deleteQueued(id, userId)) return;
    // Nothing deleted: find out why. Read after the delete, so a concurrent start shows up as not queued.
    const analysis = await this.repository.findById(id);
    if (!analysis) return;
    if (analysis.userId !== userId) throw ApiException.analysisNotFound(id);
    throw ApiException.analysisNotQueued(id, analysis.status);
  }

  /** Another user's analysis is reported missing, not forbidden, so ids cannot be probed. */
  private async findOwned(id: string, userId: string): Promise<AnalysisEntity> {
    if (!uuid.safeParse(id).success) throw ApiException.analysisNotFound(id);
    const analysis = await this.repository.findOwned(id, userId);
    if (!analysis) throw ApiException.analysisNotFound(id);
    return analysis;
  }

  /**
   * One query after the other, not in parallel: the pool may be a single connection (PGlite in tests). Outputs are
   * read after runs, so every run listed has its outputs (both are stored by one statement).
   */
  private async runsAndOutputsOf(id: string) {
    const runs = await this.stageRuns.runsOf(id);
    const outputs = await this.stageRuns.outputsOf(id);
    return [runs, outputs] as const;
  }

  async list(query: ListAnalysesQuery): Promise<AnalysisPage> {
    // One row more than asked tells whether another page exists without a count query.
    const rows = await this.repository.findPage(query.userId, query.limit + 1, query.cursor);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
    return { analyses: page.map(toAnalysisSummary), nextCursor };
  }
}
