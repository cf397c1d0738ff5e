import { Injectable } from '@nestjs/common';
import {
  type AnalysisPage,
  type AnalysisSource,
  AnalysisStatus,
  type AnalysisView,
  type CreateAnalysisCommand,
} from '@ultra/contracts';
import { z } from 'zod';
import { ValidationFailedException } from '@ultra/platform';
import {
  AnalysisIdTakenException,
  AnalysisNotFoundException,
  AnalysisNotQueuedException,
  AnalysisRunningException,
} from '../http/results.exceptions';
import { AnalysesRepository } from './analyses.repository';
import { DeleteMode, type ListAnalysesQuery } from './analysis-requests.schema';
import type { AnalysisEntity } from './analysis.entity';
import { StageRunsRepository } from './stage-runs.repository';
import { toAnalysisSource, toAnalysisSummary, toAnalysisView } from './analysis-view.mapper';
import { totalUsage } from './output-view.mapper';
import { encodeCursor } from './page-cursor';

export interface CreatedAnalysis {
  /** False when the id already existed for the same user: the create was a retry. */
  created: boolean;
  /** Absent when the caller asked for none (and the create was not a retry, whose owner must be checked). */
  view?: AnalysisView;
}

const uuid = z.uuid();

const deletable: Record<DeleteMode, readonly AnalysisStatus[]> = {
  [DeleteMode.Queued]: [AnalysisStatus.Queued],
  [DeleteMode.Ended]: [AnalysisStatus.Completed, AnalysisStatus.Failed],
  [DeleteMode.Any]: Object.values(AnalysisStatus),
};

/**
 * The internal API's use cases: create an analysis, read one (or what a rerun needs of it), list a user's, delete
 * one (see `delete`).
 */
@Injectable()
export class AnalysesService {
  constructor(
    private readonly repository: AnalysesRepository,
    private readonly stageRuns: StageRunsRepository,
  ) {}

  /** Idempotent by id, so the gateway may retry a create whose answer it never saw. */
  async create(command: CreateAnalysisCommand, { view = true } = {}): Promise<CreatedAnalysis> {
    const source = command.sourceAnalysisId;
    // A rerun links only to an analysis of the same user (the gateway read it through `source` just before).
    if (source && !(await this.repository.findOwned(source, command.userId))) {
      throw new ValidationFailedException('invalid analysis', [
        { path: 'sourceAnalysisId', message: `analysis ${source} not found` },
      ]);
    }
    const created = await this.repository.insertIfAbsent(command);
    // Inserted now, so it is this user's: nothing to read back unless the caller wants to see it.
    if (created && !view) return { created };
    const analysis = await this.repository.findById(command.id);
    // Only a concurrent delete could remove the row in between; report it as the conflict it is.
    if (!analysis || analysis.userId !== command.userId) throw new AnalysisIdTakenException(command.id);
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
   * Deletes an analysis with its runs and outputs if its status allows it in `mode` (see DeleteMode): `queued` for
   * the gateway when it could not queue an analysis it created, `ended` and `any` for the public delete. Idempotent:
   * an analysis already gone is not an error. Another user's is reported missing (404), as in `get`.
   */
  async delete(id: string, userId: string, mode: DeleteMode): Promise<void> {
    if (await this.repository.deleteIn(id, userId, deletable[mode])) return;
    // Nothing deleted: find out why. Read after the delete, so a concurrent change of status shows up.
    const analysis = await this.repository.findById(id);
    if (!analysis) return;
    if (analysis.userId !== userId) throw new AnalysisNotFoundException(id);
    if (mode === DeleteMode.Queued) throw new AnalysisNotQueuedException(id, analysis.status);
    throw new AnalysisRunningException(id, analysis.status);
  }

  /** Another user's analysis is reported missing, not forbidden, so ids cannot be probed. */
  private async findOwned(id: string, userId: string): Promise<AnalysisEntity> {
    if (!uuid.safeParse(id).success) throw new AnalysisNotFoundException(id);
    const analysis = await this.repository.findOwned(id, userId);
    if (!analysis) throw new AnalysisNotFoundException(id);
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
    const rows = await this.repository.findPage(query.userId, query.limit + 1, query.cursor, query.filters);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
    // The page's usage in one grouped query, after the page (not per row, not in parallel: see runsAndOutputsOf).
    const usage = await this.stageRuns.usageOf(page.map((analysis) => analysis.id));
    return {
      analyses: page.map((analysis) => toAnalysisSummary(analysis, usage.get(analysis.id) ?? totalUsage([]))),
      nextCursor,
    };
  }
}
