import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import type { FollowUpAccepted } from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { FollowUpsService } from './follow-ups.service';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

@RequireScopes('analyze')
@Controller()
export class FollowUpsController {
  constructor(private readonly followUps: FollowUpsService) {}

  /**
   * 202: a new analysis in the same thread, its prompts carrying the earlier questions and answers. The body is
   * checked by AnalysisRequestValidator once the defaults are filled in, like `POST /api/analyze`.
   */
  @Post('analyses/:id/follow-ups')
  @HttpCode(HttpStatus.ACCEPTED)
  @Idempotent('follow-up')
  followUp(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<FollowUpAccepted> {
    return this.followUps.followUp(id, body, user.id, requestId);
  }
}
