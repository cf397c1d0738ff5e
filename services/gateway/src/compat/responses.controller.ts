import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res, UseFilters } from '@nestjs/common';
import { REQUEST_ID_HEADER } from '@ultra/platform';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { CompatErrorFilter } from './compat-error.filter';
import { ANALYSIS_ID_HEADER, showStagesHeader } from './compat-request';
import { answerOf, type CompatRun, CompatRunService } from './compat-run.service';
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
    const headers = { [ANALYSIS_ID_HEADER]: run.analysisId, [REQUEST_ID_HEADER]: requestId };
    const shell = responseShellOf(run.analysisId, call.request.model, call.echo);
    if (!call.stream) {
      const sections: string[] = [];
      const collected: CompatRun = { ...run, events: collectSections(run.events, sections) };
      const answer = await answerOf(collected);
      await reply.headers(headers).send(responseObjectOf(shell, answer, sections));
      return;
    }
    reply.hijack();
    const writer = new ResponsesStreamWriter(reply.raw, shell);
    writer.open(headers);
    try {
      for await (const event of run.events) if (writer.write(event)) break;
    } catch (error) {
      writer.fail({ code: 'internal_error', message: `the stream broke off: ${String(error)}` });
    } finally {
      if (!reply.raw.writableEnded) reply.raw.end();
    }
  }
}
