import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { CompatErrorFilter } from './compat-error.filter';
import { showStagesHeader } from './compat-request';
import { answerOf, CompatRunService, replyTo } from './compat-run.service';
import { collectSections, responseObjectOf, responseShellOf } from './responses-object';
import { readResponses } from './responses.mapper';
import { ResponsesStreamWriter } from './responses.stream';

/** OpenAI's Responses API over Ultra (text in and out): `ultra/<pattern>` runs a pattern, a catalog id runs direct. */
@Controller('v1')
@UseFilters(CompatErrorFilter)
export class ResponsesController {
  constructor(private readonly runs: CompatRunService) {}

  @Post('responses')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.OK)
  async create(
    @Body() body: unknown,
    @Headers('x-ultra-show-stages') showStages: string | undefined,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const call = readResponses(body, showStagesHeader(showStages));
    const run = await this.runs.start(call.request, reply.raw, user.id, requestId);
    const shell = responseShellOf(run.analysisId, call.request.model, call.echo);
    const whole = async () => {
      // The reasoning sections are gathered on the way to the answer: the non-streamed response lists them too.
      const sections: string[] = [];
      const answer = await answerOf({ ...run, events: collectSections(run.events, sections) });
      return responseObjectOf(shell, answer, sections);
    };
    await replyTo(
      reply,
      run,
      requestId,
      call.stream ? { writer: new ResponsesStreamWriter(reply.raw, shell) } : { body: whole },
    );
  }
}
