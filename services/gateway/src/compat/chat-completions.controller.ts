import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { openAiToolCallsOf, openAiUsageOf, ChatCompletionStreamWriter } from './chat-completions.stream';
import { readChatCompletion } from './chat-completions.mapper';
import { CompatErrorFilter } from './compat-error.filter';
import { type CompatAnswer, showStagesHeader, ultraInfoOf } from './compat-request';
import { answerOf, CompatRunService, replyTo } from './compat-run.service';

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
    await replyTo(
      reply,
      run,
      requestId,
      call.stream
        ? { writer: new ChatCompletionStreamWriter(reply.raw, run.analysisId, call.request.model, call.includeUsage) }
        : { body: async () => chatCompletionOf(await answerOf(run), call.request.model) },
    );
  }
}
