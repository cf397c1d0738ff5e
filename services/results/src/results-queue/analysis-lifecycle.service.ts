import { Injectable } from '@nestjs/common';
import type { AnalysisFinishJob, AnalysisStartedJob } from '@ultra/contracts';
import { UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { AnalysesRepository } from '../analyses/analyses.repository';

/** Status changes the orchestrator reports: started and finished. Both are safe to receive twice. */
@Injectable()
export class AnalysisLifecycleService {
  constructor(
    private readonly repository: AnalysesRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(AnalysisLifecycleService.name);
  }

  async started(job: AnalysisStartedJob): Promise<void> {
    if (await this.repository.markRunning(job.analysisId)) {
      this.logger.info('analysis running');
      return;
    }
    await this.requireAnalysis(job.analysisId);
    this.logger.debug('analysis already past queued; started ignored');
  }

  async finish(job: AnalysisFinishJob): Promise<void> {
    const changed = await this.repository.finish(job.analysisId, {
      status: job.status,
      result: job.result,
      error: job.error,
    });
    if (changed) {
      this.logger.info({ status: job.status }, 'analysis finished');
      return;
    }
    await this.requireAnalysis(job.analysisId);
    this.logger.info('analysis had already ended; finish ignored');
  }

  /** A job for an analysis that was never created cannot succeed on retry. */
  private async requireAnalysis(analysisId: string): Promise<void> {
    if (!(await this.repository.findById(analysisId))) {
      throw new UnrecoverableError(`analysis ${analysisId} does not exist`);
    }
  }
}
