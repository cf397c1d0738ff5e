import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  analysisDeleteQuerySchema,
  type AnalysisListQuery,
  analysisListQuerySchema,
  type AnalysisPage,
  type AnalysisView,
  type AnalyzeAccepted,
  type RerunRequest,
  rerunRequestSchema,
} from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AnalysesService } from './analyses.service';
import { AnalysisCancelService, type CancelAccepted } from './analysis-cancel.service';
import { AnalysisDeleteService } from './analysis-delete.service';
import { AnalysisRerunService, type RerunAccepted } from './analysis-rerun.service';
import type { ListQuery } from './results.client';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

@Controller()
export class AnalysesController {
  constructor(
    private readonly analyses: AnalysesService,
    private readonly cancellation: AnalysisCancelService,
    private readonly reruns: AnalysisRerunService,
    private readonly deletion: AnalysisDeleteService,
  ) {}

  /**
   * The body is validated by AnalysisRequestValidator, which gives each kind of mistake its own code. With an
   * Idempotency-Key, a repeat within IDEMPOTENCY_TTL_S gets the first answer (the same analysis).
   */
  @Post('analyze')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.ACCEPTED)
  @Idempotent('analyze')
  analyze(
    @Body() body: unknown,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<AnalyzeAccepted> {
    return this.analyses.start(body, user.id, requestId);
  }

  /**
   * Filters and paging are checked here with the schema results parses them with (400 naming the parameter), then
   * passed on as sent: results turns them into SQL.
   */
  @Get('analyses')
  @RequireScopes('read')
  list(
    @Query(new ZodValidationPipe(analysisListQuerySchema, 'query')) _checked: AnalysisListQuery,
    @Query() query: ListQuery,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<AnalysisPage> {
    return this.analyses.list(user.id, query, requestId);
  }

  /** 202: the analysis ends as failed with code `cancelled` once the calls in flight have been aborted. */
  @Post('analyses/:id/cancel')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.ACCEPTED)
  cancel(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<CancelAccepted> {
    return this.cancellation.cancel(id, user.id, requestId);
  }

  /** 204: gone with its stage runs and outputs. 409 analysis_running while it runs, unless `?cancel=1`. */
  @Delete('analyses/:id')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(
    @Param('id') id: string,
    @Query(new ZodValidationPipe(analysisDeleteQuerySchema, 'query')) { cancel }: { cancel: boolean },
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<void> {
    return this.deletion.delete(id, user.id, cancel, requestId);
  }

  /** 202: a new analysis that reuses the source's runs before `fromStage` and runs the rest. */
  @Post('analyses/:id/rerun')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.ACCEPTED)
  @Idempotent('rerun')
  rerun(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(rerunRequestSchema)) body: RerunRequest,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
  ): Promise<RerunAccepted> {
    return this.reruns.rerun(id, body, user.id, requestId);
  }

  @Get('analyses/:id')
  @RequireScopes('read')
  get(@Param('id') id: string, @CurrentUser() user: AuthUser, @RequestId() requestId: string): Promise<AnalysisView> {
    return this.analyses.get(id, user.id, requestId);
  }
}
