import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { AnalysesModule } from '../analyses/analyses.module';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDispatchService } from './webhook-dispatch.service';
import { WebhookHttpClient } from './webhook-http.client';
import { WebhookSecretsController } from './webhook-secrets.controller';
import { WebhookSecretsRepository } from './webhook-secrets.repository';
import { WebhookProcessor } from './webhook.processor';

/**
 * Webhooks live in results because results sees every analysis end (the lifecycle queues a delivery after storing
 * it) and holds what a delivery sends: the view, the callback URL and the user's signing secret.
 */
@Module({
  imports: [AnalysesModule, BullModule.registerQueue({ name: QueueName.Webhooks })],
  controllers: [WebhookSecretsController],
  providers: [
    WebhookSecretsRepository,
    WebhookDeliveriesRepository,
    WebhookDispatchService,
    WebhookDeliveryService,
    WebhookHttpClient,
    WebhookProcessor,
  ],
  exports: [WebhookDispatchService],
})
export class WebhooksModule {}
