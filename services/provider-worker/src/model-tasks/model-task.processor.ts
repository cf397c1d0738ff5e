import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { assertNever, type ModelCallResult, QueueName } from '@ultra/contracts';
import { parseQueueJob } from '@ultra/platform';
import { type Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { workerConfig } from '../config/worker.config';
import { ModelCallService } from './model-call.service';

/** The only consumer of the model-tasks queue; several worker processes share it. */
@Processor(QueueName.ModelTasks, {
  concurrency: workerConfig.WORKER_CONCURRENCY,
  lockDuration: workerConfig.WORKER_LOCK_DURATION_MS,
  stalledInterval: workerConfig.WORKER_STALLED_INTERVAL_MS,
  maxStalledCount: 2,
})
export class ModelTaskProcessor extends WorkerHost implements BeforeApplicationShutdown {
  constructor(
    private readonly calls: ModelCallService,
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

  async process(job: Job): Promise<ModelCallResult> {
    const item = parseQueueJob(job, QueueName.ModelTasks);
    const { data } = item;
    const bindings = { requestId: data.requestId, analysisId: data.analysisId, jobId: job.id, job: item.name };
    return this.logger.runInContext(
      () => {
        switch (item.name) {
          case 'model.call':
            return this.calls.run(data, { attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
          default:
            return assertNever(item.name);
        }
      },
      { bindings },
    );
  }
}
