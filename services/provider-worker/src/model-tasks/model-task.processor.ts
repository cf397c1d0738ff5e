import { Processor } from '@nestjs/bullmq';
import { assertNever, type ModelCallResult, QueueName } from '@ultra/contracts';
import { parseQueueJob, QueueProcessor, runWithLogBindings } from '@ultra/platform';
import { DelayedError, type Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { workerConfig } from '../config/worker.config';
import { ProviderError } from '../providers/llm-provider';
import { LimitWait } from './limit-wait';
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

  /** A provider's failure is named by its category and recorded with the output; it is not Ultra's bug. */
  protected override expectedFailure(error: unknown): boolean {
    return error instanceof ProviderError || error instanceof LimitWait;
  }

  protected async handle(job: Job, token?: string): Promise<ModelCallResult> {
    const item = parseQueueJob(job, QueueName.ModelTasks);
    const { data } = item;
    const bindings = { requestId: data.requestId, analysisId: data.analysisId, jobId: job.id, job: item.name };
    return runWithLogBindings(bindings, async () => {
      switch (item.name) {
        case 'model.call':
          try {
            return await this.calls.run(data, {
              attemptsMade: job.attemptsMade,
              maxAttempts: job.opts.attempts ?? 1,
            });
          } catch (error) {
            if (!(error instanceof LimitWait)) throw error;
            // Waits in BullMQ's delayed set, holding no worker slot; the attempt is not spent.
            this.logger.info({ model: data.model, until: error.until }, `model call waits: ${error.message}`);
            await job.moveToDelayed(error.until, token);
            throw new DelayedError(error.message);
          }
        default:
          return assertNever(item.name);
      }
    });
  }
}
