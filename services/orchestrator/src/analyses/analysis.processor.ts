import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { assertNever, QueueName } from '@ultra/contracts';
import { parseQueueJob } from '@ultra/platform';
import { type Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { orchestratorConfig } from '../config/orchestrator.config';
import { AnalysisFlowService } from './analysis-flow.service';

/** The only consumer of the analyses queue: starts analyses and, as each stage's flow completes, advances them. */
@Processor(QueueName.Analyses, { concurrency: orchestratorConfig.ORCHESTRATOR_CONCURRENCY })
export class AnalysisProcessor extends WorkerHost implements BeforeApplicationShutdown {
  constructor(
    private readonly flow: AnalysisFlowService,
    private readonly logger: PinoLogger,
  ) {
    super();
  }

  /** Every failed attempt is logged with its cause; the last one as an error, since nothing retries it. */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const bindings = { err: error, jobId: job?.id, job: job?.name, attemptsMade: job?.attemptsMade };
    if (final) this.logger.error(bindings, 'job failed for good');
    else this.logger.warn(bindings, 'job failed; it will be retried');
  }

  /** Finishes the jobs in hand while Redis is still open; Nest closes connections after this. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job): Promise<void> {
    const item = parseQueueJob(job, QueueName.Analyses);
    const { requestId, analysisId } = item.data;
    return this.logger.runInContext(
      () => {
        switch (item.name) {
          case 'analysis.start':
            return this.flow.start(item.data);
          case 'stage.collect':
            return this.flow.advance(job, item.data);
          default:
            return assertNever(item);
        }
      },
      { bindings: { requestId, analysisId, jobId: job.id, job: item.name } },
    );
  }
}
