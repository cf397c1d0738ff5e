import { Injectable } from '@nestjs/common';
import {
  AnalysisStatus,
  type AnalysisView,
  type WebhookDeliverJob,
  type WebhookEvent,
  WebhookEvent as Event,
  WebhookHeader,
} from '@ultra/contracts';
import { CallbackUrlRefusedError } from '@ultra/platform';
import { UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { AnalysesService } from '../analyses/analyses.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookHttpClient } from './webhook-http.client';
import { WebhookSecretsRepository } from './webhook-secrets.repository';
import { signatureHeader } from './webhook-signature';

/** Thrown for BullMQ to retry the delivery after the webhook backoff. */
export class WebhookAttemptFailedError extends Error {
  override name = 'WebhookAttemptFailedError';
}

/**
 * One attempt to deliver an ended analysis: its view (as GET answers it, without the delivery's own state, so every
 * attempt sends the same body) POSTed to its callback URL, signed with its user's current secret. Every attempt is
 * recorded on the analysis before the job's outcome is decided.
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly analyses: AnalysesService,
    private readonly secrets: WebhookSecretsRepository,
    private readonly http: WebhookHttpClient,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WebhookDeliveryService.name);
  }

  async deliver(job: WebhookDeliverJob): Promise<void> {
    const target = await this.deliveries.targetOf(job.analysisId);
    // Deleted since it ended, or delivered by an attempt whose job was then retried: nothing left to do.
    if (!target?.callbackUrl || target.deliveredAt) {
      this.logger.info('nothing to deliver: the analysis is gone or already delivered');
      return;
    }
    const view = withoutDelivery(await this.analyses.get(job.analysisId, target.userId));
    const body = JSON.stringify(view);
    const { secret } = await this.secrets.getOrCreate(target.userId);
    const headers = {
      [WebhookHeader.Signature]: signatureHeader(secret, body, new Date()),
      [WebhookHeader.Event]: eventOf(view.status),
      [WebhookHeader.Delivery]: job.deliveryId,
    };

    let attempt;
    try {
      attempt = await this.http.post(target.callbackUrl, body, headers);
    } catch (error) {
      if (!(error instanceof CallbackUrlRefusedError)) throw error;
      // The host now resolves where no request may go: it is not asked again.
      await this.deliveries.recordAttempt(job.analysisId, { status: null, error: `refused: ${error.reason}` });
      throw new UnrecoverableError(`webhook not delivered: ${error.reason}`);
    }
    await this.deliveries.recordAttempt(job.analysisId, attempt);
    if (attempt.error !== null) throw new WebhookAttemptFailedError(`webhook not delivered: ${attempt.error}`);
    this.logger.info({ status: attempt.status, attempts: target.attempts + 1 }, 'webhook delivered');
  }
}

/** The view minus its `webhook`: what is delivered does not change from one attempt to the next. */
function withoutDelivery({ webhook: _webhook, ...view }: AnalysisView): Omit<AnalysisView, 'webhook'> {
  return view;
}

function eventOf(status: AnalysisStatus): WebhookEvent {
  return status === AnalysisStatus.Completed ? Event.Completed : Event.Failed;
}
