import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SCHEMA_VERSION, WEBHOOK_BACKOFF_TYPE } from '@ultra/contracts';
import { APP_CONFIG, JobProducer } from '@ultra/platform';
import type { ResultsConfig } from '../config/results.config';
import { webhookAttempts } from './webhook-backoff';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/** Queues the delivery of an analysis that has just ended, when it has a callback URL. */
@Injectable()
export class WebhookDispatchService {
  private readonly retry: { attempts: number; backoff: { type: string; delay: number } };

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) config: ResultsConfig,
  ) {
    const delay = config.WEBHOOK_BACKOFF_MS;
    this.retry = { attempts: webhookAttempts(delay), backoff: { type: WEBHOOK_BACKOFF_TYPE, delay } };
  }

  /**
   * Safe to call again for the same analysis (a re-delivered finish, a terminate after the end): the job id is the
   * analysis', so a queued or running delivery is not added twice, and once an attempt has been made (the job may
   * have been removed since) nothing is added at all.
   */
  async analysisEnded(analysisId: string, requestId: string): Promise<void> {
    const target = await this.deliveries.targetOf(analysisId);
    if (!target?.callbackUrl || target.attempts > 0) return;
    await this.jobs.add(
      'webhook.deliver',
      { schemaVersion: SCHEMA_VERSION, analysisId, requestId, deliveryId: randomUUID() },
      { jobId: `${analysisId}_webhook`, ...this.retry },
    );
  }
}
