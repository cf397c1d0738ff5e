import { Module } from '@nestjs/common';
import { CallbackUrlValidator } from './callback-url.validator';
import { WebhookSecretsClient } from './webhook-secrets.client';
import { WebhooksController } from './webhooks.controller';

/** The public side of webhooks: the signing secret's routes and the check of `callbackUrl` at submit. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhookSecretsClient, CallbackUrlValidator],
  exports: [CallbackUrlValidator],
})
export class WebhooksModule {}
