import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import type { AnalysisPage, AnalysisSource, AnalysisView } from '@ultra/contracts';
import type { FastifyReply } from 'fastify';
import { AnalysesService } from './analyses.service';
import {
  parseAnalysisId,
  parseCreateCommand,
  parseDeleteQuery,
  parseListQuery,
  parseUserId,
} from './analysis-requests.schema';

/**
 * The internal API the gateway reads analyses through. It trusts the gateway's `userId` (the service is reachable
 * only inside the cluster) and scopes every read to it.
 */
@Controller('internal/analyses')
export class AnalysesController {
  constructor(private readonly analyses: AnalysesService) {}

  /**
   * 201 with the new analysis, or 200 with the existing one when the same user repeats the create. With `Prefer:
   * return=minimal` (RFC 7240; the gateway sends it, as it needs only the outcome) the body is just `{id}`, which
   * spares reading the new row back.
   */
  @Post()
  async create(
    @Body() body: unknown,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnalysisView | { id: string }> {
    const command = parseCreateCommand(body);
    const minimal = prefer !== undefined && /(^|[\s,;])return=minimal($|[\s,;])/i.test(prefer);
    const { created, view } = await this.analyses.create(command, { view: !minimal });
    void reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    if (!minimal && view) return view;
    void reply.header('preference-applied', 'return=minimal');
    return { id: command.id };
  }

  @Get()
  list(@Query() query: unknown): Promise<AnalysisPage> {
    return this.analyses.list(parseListQuery(query));
  }

  @Get(':id')
  get(@Param('id') id: string, @Query() query: unknown): Promise<AnalysisView> {
    return this.analyses.get(id, parseUserId(query));
  }

  /** What `POST /api/analyses/:id/rerun` needs of the analysis it reruns; 404 like `get`. */
  @Get(':id/source')
  source(@Param('id') id: string, @Query() query: unknown): Promise<AnalysisSource> {
    return this.analyses.source(id, parseUserId(query));
  }

  /**
   * `?mode=queued` (the default) | `ended` | `any`. 204 also when the analysis is already gone, so the gateway may
   * repeat it; 409 when its status does not allow the mode (`analysis_not_queued`, `analysis_running`).
   */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(@Param('id') id: string, @Query() query: unknown): Promise<void> {
    const { userId, mode } = parseDeleteQuery(query);
    return this.analyses.delete(parseAnalysisId(id), userId, mode);
  }
}
