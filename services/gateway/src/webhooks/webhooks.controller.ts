import { Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import type { WebhookSecret } from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { WebhookSecretsClient } from './webhook-secrets.client';

/** The caller's webhook signing secret: every delivery of their analyses is signed with it (see README, Webhooks). */
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly secrets: WebhookSecretsClient) {}

  /** Made on first read, then the same until rotated. */
  @Get('secret')
  read(@CurrentUser() user: AuthUser, @RequestId() requestId: string): Promise<WebhookSecret> {
    return this.secrets.read(user.id, requestId);
  }

  /** Replaces the secret at once: deliveries signed from now on (retries included) use the new one. */
  @Post('secret')
  @HttpCode(HttpStatus.OK)
  rotate(@CurrentUser() user: AuthUser, @RequestId() requestId: string): Promise<WebhookSecret> {
    return this.secrets.rotate(user.id, requestId);
  }
}
