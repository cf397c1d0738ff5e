import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { assertNever, type JobItemOf, QueueName } from '@ultra/contracts';
import { APP_CONFIG, parseQueueJob, QueueProcessor, runWithLogBindings } from '@ultra/platform';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type { ResultsConfig } from '../config/results.config';
import { AnalysisLifecycleService } from './analysis-lifecycle.service';
import { InterruptedAnalysesService } from './interrupted-analyses.service';
import { causeOf, isDatabaseUnavailable, isDataError, UnknownAnalysisError } from './job-failures';
import { StageRecordService } from './stage-record.service';

/** How long a job waits for an unreachable database before it tries again; waiting spends no attempt. */
export const DATABASE_WAIT_MS = 1_000;

/**
 * A results job is a few short writes (a wait for the database releases its lock), so a lock of 10 s renewed every
 * 5 s is ample, and a job held by a results process that died is handed to another within about 15 s. BullMQ's
 * defaults (30 s and a check every 30 s) left such a job, and the analysis' finish waiting for it, for over a minute
 * after a crash (chaos stack-crash: drains of 44–95 s).
 */
export const RESULTS_LOCK_DURATION_MS = 10_000;
export const RESULTS_STALLED_INTERVAL_MS = 5_000;

/**
 * The one consumer of the results queue. The worker is created without autorun because its concurrency comes
 * from config, which the decorator cannot see; it starts once the application has booted.
 */
@Processor(QueueName.Results, {
  autorun: false,
  lockDuration: RESULTS_LOCK_DURATION_MS,
  stalledInterval: RESULTS_STALLED_INTERVAL_MS,
})
export class ResultsProcessor extends QueueProcessor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
    private readonly stageRecords: StageRecordService,
    private readonly lifecycle: AnalysisLifecycleService,
    private readonly interrupted: InterruptedAnalysesService,
    protected readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(ResultsProcessor.name);
  }

  override onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.RESULTS_CONCURRENCY;
    // Retried failures are logged at info: a finish waiting for its outputs fails on purpose until they are stored.
    super.onApplicationBootstrap();
    this.worker.on('failed', (job: Job | undefined, error: Error) => void this.interrupted.jobFailed(job, error));
    this.worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'results worker stopped'));
  }

  /** A job for an analysis that no longer exists ends it quietly: deleted while it ran, not a bug. */
  protected override expectedFailure(error: unknown): boolean {
    return error instanceof UnknownAnalysisError;
  }

  protected async handle(job: Job, token?: string): Promise<void> {
    const item = parseQueueJob(job, QueueName.Results);
    const bindings = { requestId: item.data.requestId, analysisId: item.data.analysisId, jobId: job.id, job: job.name };
    return runWithLogBindings(bindings, async () => {
      try {
        await this.dispatch(item);
      } catch (error) {
        // Retrying cannot change data the database refused: fail for good, which ends the analysis.
        if (isDataError(error)) throw new UnrecoverableError(`the database refused the data: ${causeOf(error)}`);
        if (isDatabaseUnavailable(error) && token) {
          // Back in a moment without spending an attempt, so an outage of any length burns none.
          this.logger.warn({ err: error }, `database unavailable; job waits ${DATABASE_WAIT_MS} ms`);
          await job.moveToDelayed(Date.now() + DATABASE_WAIT_MS, token);
          throw new DelayedError();
        }
        throw error;
      }
    });
  }

  private dispatch(item: JobItemOf<typeof QueueName.Results>): Promise<unknown> {
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
  }
}
