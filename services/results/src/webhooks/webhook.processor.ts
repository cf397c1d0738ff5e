import { Processor } from '@nestjs/bullmq';
import { assertNever, QueueName } from '@ultra/contracts';
import { parseQueueJob, QueueProcessor, runWithLogBindings } from '@ultra/platform';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { webhookBackoff } from './webhook-backoff';
import { WebhookAttemptFailedError, WebhookDeliveryService } from './webhook-delivery.service';

/** Deliveries in flight at once; each mostly waits on a receiver (at most WEBHOOK_TIMEOUT_MS). */
const WEBHOOK_CONCURRENCY = 32;

/**
 * The one consumer of the webhooks queue. Its backoff is registered here because the jobs name it; the worker starts
 * once the application has booted, like the results worker, so no job runs before the database is connected.
 */
@Processor(QueueName.Webhooks, {
  autorun: false,
  concurrency: WEBHOOK_CONCURRENCY,
  settings: { backoffStrategy: webhookBackoff },
})
export class WebhookProcessor extends QueueProcessor {
  constructor(
    private readonly delivery: WebhookDeliveryService,
    protected readonly logger: PinoLogger,
  ) {
    super();
    logger.setContext(WebhookProcessor.name);
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'webhooks worker stopped'));
  }

  /** A receiver that does not answer 2xx is the receiver's problem, recorded with the delivery. */
  protected override expectedFailure(error: unknown): boolean {
    return error instanceof WebhookAttemptFailedError;
  }

  protected async handle(job: Job): Promise<void> {
    const item = parseQueueJob(job, QueueName.Webhooks);
    const bindings = { requestId: item.data.requestId, analysisId: item.data.analysisId, jobId: job.id, job: job.name };
    return runWithLogBindings(bindings, async () => {
      switch (item.name) {
        case 'webhook.deliver':
          return this.delivery.deliver(item.data);
        default:
          return assertNever(item.name);
      }
    });
  }
}
