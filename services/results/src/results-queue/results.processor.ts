import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { assertNever, QueueName } from '@ultra/contracts';
import { APP_CONFIG, parseQueueJob } from '@ultra/platform';
import { type Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type { ResultsConfig } from '../config/results.config';
import { AnalysisLifecycleService } from './analysis-lifecycle.service';
import { StageRecordService } from './stage-record.service';

/**
 * The one consumer of the results queue. The worker is created without autorun because its concurrency comes
 * from config, which the decorator cannot see; it starts once the application has booted.
 */
@Processor(QueueName.Results, { autorun: false })
export class ResultsProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
    private readonly stageRecords: StageRecordService,
    private readonly lifecycle: AnalysisLifecycleService,
    private readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(ResultsProcessor.name);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.RESULTS_CONCURRENCY;
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'results worker error'));
    this.worker.on('failed', (job, error) => {
      const context = { err: error, jobId: job?.id, job: job?.name, attemptsMade: job?.attemptsMade };
      // A finish waiting for its outputs fails on purpose until they are stored; only a final failure is news.
      const willRetry = job && !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
      if (willRetry) this.logger.info(context, 'job will be retried');
      else this.logger.warn(context, 'job failed');
    });
    this.worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'results worker stopped'));
  }

  /** Drains the jobs in hand before Nest closes the database and Redis connections they use. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job): Promise<void> {
    const item = parseQueueJob(job, QueueName.Results);
    const bindings = { requestId: item.data.requestId, analysisId: item.data.analysisId, jobId: job.id, job: job.name };
    return this.logger.runInContext(
      async () => {
        switch (item.name) {
          case 'stage.record':
            return this.stageRecords.record(item.data);
          case 'analysis.started':
            return this.lifecycle.started(item.data);
          case 'analysis.finish':
            return this.lifecycle.finish(item.data);
          default:
            return assertNever(item);
        }
      },
      { bindings },
    );
  }
}
