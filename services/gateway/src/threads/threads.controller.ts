import { Controller, Get, Param } from '@nestjs/common';
import { ApiErrorCode, type ThreadView } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import { analysisIdSchema } from '../analyses/analyses.service';
import { ResultsClient } from '../analyses/results.client';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

@RequireScopes('read')
@Controller()
export class ThreadsController {
  constructor(private readonly results: ResultsClient) {}

  /** The thread's analyses as summaries, oldest first. A thread id is the id of its first analysis. */
  @Get('threads/:id')
  async get(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<ThreadView> {
    const thread = analysisIdSchema.safeParse(id).success ? await this.results.getThread(id, user.id, requestId) : null;
    // Another user's thread is reported exactly like a missing one.
    if (!thread) throw new ApiException(ApiErrorCode.NotFound, `thread ${JSON.stringify(id)} not found`);
    return { id: thread.id, analyses: thread.analyses.map(({ answer: _answer, ...summary }) => summary) };
  }
}
