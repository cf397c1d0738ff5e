import { Controller, Get, Param, Query } from '@nestjs/common';
import { AnalysisStatus, ApiErrorCode, type ThreadEntries } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import { toAnalysisSummary } from '../analyses/analysis-view.mapper';
import { totalUsage } from '../analyses/output-view.mapper';
import { StageRunsRepository } from '../analyses/stage-runs.repository';
import { parseUserId } from '../analyses/analysis-requests.schema';
import { ThreadsRepository } from './threads.repository';
import { z } from 'zod';

const uuid = z.uuid();

/**
 * `GET /internal/threads/:id?userId=`: a thread's analyses, oldest first, each with its final answer, which the
 * gateway turns into a follow-up's history. A thread with none of the user's analyses is reported missing.
 */
@Controller('internal/threads')
export class ThreadsController {
  constructor(
    private readonly threads: ThreadsRepository,
    private readonly stageRuns: StageRunsRepository,
  ) {}

  @Get(':id')
  async get(@Param('id') id: string, @Query() query: unknown): Promise<ThreadEntries> {
    const userId = parseUserId(query);
    const analyses = uuid.safeParse(id).success ? await this.threads.analysesOf(id, userId) : [];
    if (!analyses.length) {
      throw new ApiException(ApiErrorCode.NotFound, `thread ${id} not found`);
    }
    const usage = await this.stageRuns.usageOf(analyses.map((analysis) => analysis.id));
    return {
      id,
      analyses: analyses.map((analysis) => ({
        ...toAnalysisSummary(analysis, usage.get(analysis.id) ?? totalUsage([])),
        answer: analysis.status === AnalysisStatus.Completed ? analysis.resultText : null,
      })),
    };
  }
}
