import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { type AnalysisExportQuery, analysisExportQuerySchema } from '@ultra/contracts';
import { ZodValidationPipe } from '@ultra/platform';
import type { FastifyReply } from 'fastify';
import { AnalysesService } from '../analyses/analyses.service';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { RequestId } from '../common/request-id.decorator';
import { exportFile } from './analysis-export';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

/** Downloads of an analysis, formatted here from the same view `GET /api/analyses/:id` answers. */
@RequireScopes('read')
@Controller()
export class ExportsController {
  constructor(private readonly analyses: AnalysesService) {}

  /** `?format=json|markdown|csv` (default json); 404 for another user's analysis, as for the view. */
  @Get('analyses/:id/export')
  async export(
    @Param('id') id: string,
    @Query(new ZodValidationPipe(analysisExportQuerySchema, 'query')) { format }: AnalysisExportQuery,
    @CurrentUser() user: AuthUser,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const view = await this.analyses.get(id, user.id, requestId);
    const file = exportFile(view, format);
    void reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`);
    return file.body;
  }
}
