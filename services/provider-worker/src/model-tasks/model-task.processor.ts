import { Processor, WorkerHost } from '@nestjs/bullmq';
import { assertNever, InvalidJobError, type ModelCallResult, parseJob, QueueName } from '@ultra/contracts';
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
export class ModelTaskProcessor extends WorkerHost {
  constructor(
    private readonly calls: ModelCallService,
    private readonly logger: PinoLogger,
  ) {
    super();
  }

  async process(job: Job): Promise<ModelCallResult> {
    let item;
    try {
      item = parseJob(job, QueueName.ModelTasks);
    } catch (error) {
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
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
