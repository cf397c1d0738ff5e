import { Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { REQUEST_ID_HEADER } from '@ultra/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AnalysisNotFoundException, analysisIdSchema } from '../analyses/analyses.service';
import { ResultsClient } from '../analyses/results.client';
import { CurrentUser } from '../auth/current-user.decorator';
import { Public } from '../auth/public.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { RequestId } from '../common/request-id.decorator';
import { AnalysisEventStreamService } from './analysis-event-stream.service';
import { ENTRY_ID, SSE_HEADERS } from './sse-frames';
import { type StreamToken, StreamTokenService } from './stream-token.service';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

const eventsQuery = z.object({
  token: z.string({ error: 'token must be given once' }).optional(),
  lastEventId: z
    .string({ error: 'lastEventId must be given once' })
    .regex(ENTRY_ID, 'lastEventId must be an event id such as 1733000000000-0')
    .optional(),
});
type EventsQuery = z.infer<typeof eventsQuery>;

const lastEventIdHeader = z
  .string()
  .regex(ENTRY_ID, 'the Last-Event-ID header must be an event id such as 1733000000000-0')
  .optional();

/** The push channel: an analysis' events as Server-Sent Events, and stream tokens for browsers' EventSource. */
@Controller('analyses/:id')
export class AnalysisEventsController {
  constructor(
    private readonly results: ResultsClient,
    private readonly streams: AnalysisEventStreamService,
    private readonly tokens: StreamTokenService,
  ) {}

  @Post('stream-token')
  @RequireScopes('read')
  @HttpCode(HttpStatus.OK)
  async streamToken(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<StreamToken> {
    await this.owned(id, user.id, requestId);
    return this.tokens.issue(user, id);
  }

  /** Public to the global guard: it takes the bearer token or a stream token (?token=) itself. */
  @Public()
  @Get('events')
  async events(
    @Param('id') id: string,
    @Query(new ZodValidationPipe(eventsQuery, 'query')) query: EventsQuery,
    @Headers('authorization') authorization: string | undefined,
    @Headers('last-event-id') lastEventIdRaw: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const user = await this.tokens.userOf(authorization, query.token, id);
    const header = new ZodValidationPipe(lastEventIdHeader, 'Last-Event-ID').transform(lastEventIdRaw);
    const view = await this.owned(id, user.id, request.id);
    this.streams.checkCapacity();
    reply.hijack();
    reply.raw.writeHead(200, { ...SSE_HEADERS, [REQUEST_ID_HEADER]: request.id });
    await this.streams.serve(reply.raw, {
      view,
      userId: user.id,
      requestId: request.id,
      lastEventId: header ?? query.lastEventId,
    });
  }

  /** Another user's analysis (or a malformed id) is 404, never a hint that it exists. */
  private async owned(id: string, userId: string, requestId: string) {
    const view = analysisIdSchema.safeParse(id).success ? await this.results.getAnalysis(id, userId, requestId) : null;
    if (!view) throw new AnalysisNotFoundException(id);
    return view;
  }
}
