import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { assertNever, QueueName } from '@ultra/contracts';
import { APP_CONFIG, parseQueueJob, QueueProcessor } from '@ultra/platform';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type { ResultsConfig } from '../config/results.config';
import { AnalysisLifecycleService } from './analysis-lifecycle.service';
import { StageRecordService } from './stage-record.service';

/**
 * The one consumer of the results queue. The worker is created without autorun because its concurrency comes
 * from config, which the decorator cannot see; it starts once the application has booted.
 */
@Processor(QueueName.Results, { autorun: false })
export class ResultsProcessor extends QueueProcessor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
    private readonly stageRecords: StageRecordService,
    private readonly lifecycle: AnalysisLifecycleService,
    protected readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(ResultsProcessor.name);
  }

  override onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.RESULTS_CONCURRENCY;
    // Retried failures are logged at info: a finish waiting for its outputs fails on purpose until they are stored.
    super.onApplicationBootstrap();
    this.worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'results worker stopped'));
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
          case 'analysis.terminate':
            return this.lifecycle.terminate(item.data);
          default:
            return assertNever(item);
        }
      },
      { bindings },
    );
  }
}
