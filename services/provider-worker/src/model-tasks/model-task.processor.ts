import { Processor } from '@nestjs/bullmq';
import { assertNever, type ModelCallResult, QueueName } from '@ultra/contracts';
import { parseQueueJob, QueueProcessor } from '@ultra/platform';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { workerConfig } from '../config/worker.config';
import { ModelCallService } from './model-call.service';
import { providerBackoff } from './provider-backoff';

/** The only consumer of the model-tasks queue; several worker processes share it. */
@Processor(QueueName.ModelTasks, {
  concurrency: workerConfig.WORKER_CONCURRENCY,
  lockDuration: workerConfig.WORKER_LOCK_DURATION_MS,
  stalledInterval: workerConfig.WORKER_STALLED_INTERVAL_MS,
  maxStalledCount: 2,
  settings: { backoffStrategy: providerBackoff },
})
export class ModelTaskProcessor extends QueueProcessor {
  constructor(
    private readonly calls: ModelCallService,
    protected readonly logger: PinoLogger,
  ) {
    super();
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
