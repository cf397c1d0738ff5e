import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res, UseFilters } from '@nestjs/common';
import { REQUEST_ID_HEADER } from '@ultra/platform';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { openAiToolCallsOf, openAiUsageOf, ChatCompletionStreamWriter } from './chat-completions.stream';
import { readChatCompletion } from './chat-completions.mapper';
import { CompatErrorFilter } from './compat-error.filter';
import { ANALYSIS_ID_HEADER, type CompatAnswer, showStagesHeader, ultraInfoOf } from './compat-request';
import { answerOf, CompatRunService } from './compat-run.service';

function chatCompletionOf(answer: CompatAnswer, model: string) {
  const toolCalls = openAiToolCallsOf(answer).map(({ index: _index, ...call }) => call);
  return {
    id: `chatcmpl-${answer.analysisId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text || (toolCalls.length ? null : ''),
          refusal: null,
          ...(toolCalls.length && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    usage: openAiUsageOf(answer),
    system_fingerprint: null,
    ultra: ultraInfoOf(answer),
  };
}

/** OpenAI's chat completions over Ultra: `ultra/<pattern>` runs a pattern, a catalog model id runs direct. */
@Controller('v1')
@UseFilters(CompatErrorFilter)
export class ChatCompletionsController {
  constructor(private readonly runs: CompatRunService) {}

  @Post('chat/completions')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.OK)
  async create(
    @Body() body: unknown,
    @Headers('x-ultra-show-stages') showStages: string | undefined,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const call = readChatCompletion(body, showStagesHeader(showStages));
    const run = await this.runs.start(call.request, reply.raw, user.id, requestId);
    const headers = { [ANALYSIS_ID_HEADER]: run.analysisId, [REQUEST_ID_HEADER]: requestId };
    if (!call.stream) {
      const answer = await answerOf(run);
      await reply.headers(headers).send(chatCompletionOf(answer, call.request.model));
      return;
    }
    reply.hijack();
    const writer = new ChatCompletionStreamWriter(reply.raw, run.analysisId, call.request.model, call.includeUsage);
    writer.open(headers);
    try {
      for await (const event of run.events) if (writer.write(event)) break;
    } catch (error) {
      writer.fail({
        status: 500,
        code: 'internal_error',
        message: `the stream broke off: ${String(error)}`,
        param: null,
      });
    } finally {
      if (!reply.raw.writableEnded) reply.raw.end();
    }
  }
}
