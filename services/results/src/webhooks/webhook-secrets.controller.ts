import { Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import type { WebhookSecret } from '@ultra/contracts';
import { parseUserId } from '../analyses/analysis-requests.schema';
import { WebhookSecretsRepository } from './webhook-secrets.repository';

/**
 * The internal API behind `GET/POST /api/webhooks/secret`. The secret lives here because deliveries are signed
 * here; like the analyses routes, it trusts the gateway's `userId`.
 */
@Controller('internal/webhooks/secret')
export class WebhookSecretsController {
  constructor(private readonly secrets: WebhookSecretsRepository) {}

  @Get()
  read(@Query() query: unknown): Promise<WebhookSecret> {
    return this.secrets.getOrCreate(parseUserId(query));
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  rotate(@Query() query: unknown): Promise<WebhookSecret> {
    return this.secrets.rotate(parseUserId(query));
  }
}
