import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { CompatAnalysisService } from './compat-analysis.service';
import { CompatErrorFilter } from './compat-error.filter';
import { type CompatAnswer, showStagesHeader, ultraInfoOf } from './compat-request';
import { answerOf, CompatRunService, replyTo } from './compat-run.service';
import { countInputTokens, readCountTokens, readMessages } from './messages.mapper';
import { anthropicStopReasonOf, anthropicUsageOf, MessagesStreamWriter, toolUseBlocksOf } from './messages.stream';

/** Anthropic's message id for an analysis: `msg_` and the analysis id without its dashes. */
const messageIdOf = (analysisId: string) => `msg_${analysisId.replace(/-/g, '')}`;

function messageOf(answer: CompatAnswer, model: string) {
  const toolUses = toolUseBlocksOf(answer);
  return {
    id: messageIdOf(answer.analysisId),
    type: 'message',
    role: 'assistant',
    model,
    content: [...(answer.text || !toolUses.length ? [{ type: 'text', text: answer.text }] : []), ...toolUses],
    stop_reason: anthropicStopReasonOf(answer),
    stop_sequence: null,
    usage: anthropicUsageOf(answer),
    ultra: ultraInfoOf(answer),
  };
}

/**
 * Anthropic's Messages API over Ultra: `ultra/<pattern>` runs a pattern (its earlier stages stream as thinking
 * blocks), a catalog model id runs direct. Errors are in Anthropic's shape (CompatErrorFilter, by the path).
 */
@Controller('v1/messages')
@UseFilters(CompatErrorFilter)
export class MessagesController {
  constructor(
    private readonly runs: CompatRunService,
    private readonly analyses: CompatAnalysisService,
  ) {}

  @Post()
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.OK)
  async create(
    @Body() body: unknown,
    @Headers('x-ultra-show-stages') showStages: string | undefined,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const call = readMessages(body, showStagesHeader(showStages));
    const run = await this.runs.start(call.request, reply.raw, user.id, requestId);
    await replyTo(
      reply,
      run,
      requestId,
      call.stream
        ? { writer: new MessagesStreamWriter(reply.raw, messageIdOf(run.analysisId), call.request.model) }
        : { body: async () => messageOf(await answerOf(run), call.request.model) },
    );
  }

  /** An estimate (Ultra has no tokenizer of each vendor's); it starts no analysis and costs nothing. */
  @Post('count_tokens')
  @RequireScopes('read')
  @HttpCode(HttpStatus.OK)
  async countTokens(@Body() body: unknown, @CurrentUser() user: AuthUser): Promise<{ input_tokens: number }> {
    const request = readCountTokens(body);
    await this.analyses.checkModel(request.model, user.id);
    return { input_tokens: countInputTokens(request) };
  }
}
