import { Injectable } from '@nestjs/common';
import {
  type AnalysisFinishJob,
  type AnalysisStartedJob,
  AnalysisStatus,
  type AnalysisTerminateJob,
} from '@ultra/contracts';
import { PinoLogger } from 'nestjs-pino';
import { AnalysesRepository } from '../analyses/analyses.repository';
import { AnalysisEventsPublisher } from '../events/analysis-events.publisher';
import { WebhookDispatchService } from '../webhooks/webhook-dispatch.service';
import { recordAnalysisEnd } from './analysis-metrics';
import { UnknownAnalysisError } from './job-failures';
import { validFinish, validTerminate } from './valid-records';

/** Status changes: started and finished (the orchestrator's), terminated (anyone's). Each is safe to receive twice. */
@Injectable()
export class AnalysisLifecycleService {
  constructor(
    private readonly repository: AnalysesRepository,
    private readonly events: AnalysisEventsPublisher,
    private readonly webhooks: WebhookDispatchService,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(AnalysisLifecycleService.name);
  }

  async started(job: AnalysisStartedJob): Promise<void> {
    // analysis.started is the orchestrator's to announce, in order with its stages.
    if (await this.repository.markStarted(job.analysisId, job.deadlineAt ?? null)) {
      this.logger.info('analysis running');
      return;
    }
    if (!(await this.repository.findById(job.analysisId))) throw unknownAnalysis(job.analysisId);
    this.logger.debug('analysis already past queued; started ignored');
  }

  /**
   * Ends the analysis once all its runs and outputs are stored. Until then the job throws an ordinary error, so
   * BullMQ retries it with the backoff the orchestrator chose: the API never shows an analysis ended without them.
   */
  async finish(received: AnalysisFinishJob): Promise<void> {
    const job = validFinish(received);
    const end = { status: job.status, result: job.result, error: job.error };
    const expected = { outputs: job.expectedOutputs, runs: job.expectedRuns };
    if (await this.repository.finish(job.analysisId, end, expected)) {
      await this.announceEnd(job.analysisId, true);
      await this.webhooks.analysisEnded(job.analysisId, job.requestId);
      this.logger.info({ status: job.status, ...expected }, 'analysis finished');
      return;
    }

    const progress = await this.repository.progressOf(job.analysisId);
    if (!progress) throw unknownAnalysis(job.analysisId);
    if (progress.status === AnalysisStatus.Completed || progress.status === AnalysisStatus.Failed) {
      await this.announceEnd(job.analysisId);
      // Queued at most once: this covers a first finish that stored the end but could not queue the delivery.
      await this.webhooks.analysisEnded(job.analysisId, job.requestId);
      this.logger.info({ status: progress.status }, 'analysis had already ended; finish ignored');
      return;
    }
    // Also thrown when the last record landed between the two queries: the next attempt then succeeds.
    throw new Error(
      `records pending: ${progress.storedOutputs} of ${expected.outputs} outputs, ` +
        `${progress.storedRuns} of ${expected.runs} stage runs stored`,
    );
  }

  /**
   * Ends the analysis as failed with the job's code unless it has already ended, whatever is stored of it: the
   * way out for an analysis whose work was lost (a cancel the orchestrator never saw, a crash, a stuck stage).
   */
  async terminate(received: AnalysisTerminateJob): Promise<boolean> {
    const job = validTerminate(received);
    const error = { code: job.code, message: job.message };
    if (await this.repository.finish(job.analysisId, { status: AnalysisStatus.Failed, result: null, error }, NONE)) {
      await this.announceEnd(job.analysisId, true);
      await this.webhooks.analysisEnded(job.analysisId, job.requestId);
      this.logger.warn({ code: job.code }, `analysis terminated: ${job.message}`);
      return true;
    }
    const analysis = await this.repository.findById(job.analysisId);
    if (!analysis) throw unknownAnalysis(job.analysisId);
    // Its own end event may have been lost between the write and the stream: written again, kept once.
    await this.events.ended(analysis);
    await this.webhooks.analysisEnded(job.analysisId, job.requestId);
    this.logger.debug({ code: job.code }, 'analysis had already ended; terminate ignored');
    return false;
  }

  /** The push stream's last event, from the stored end (see AnalysisEventsPublisher); `justEnded` counts it too. */
  private async announceEnd(analysisId: string, justEnded = false): Promise<void> {
    const analysis = await this.repository.findById(analysisId);
    if (!analysis) return;
    if (justEnded) recordAnalysisEnd(analysis);
    await this.events.ended(analysis);
  }
}

/** A terminate waits for no record. */
const NONE = { outputs: 0, runs: 0 };

function unknownAnalysis(analysisId: string): UnknownAnalysisError {
  return new UnknownAnalysisError(analysisId);
}
