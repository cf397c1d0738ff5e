import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import type { AnalysisEstimate } from '@ultra/contracts';
import { AnalysisRequestValidator } from '../analyses/analysis-request.validator';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { AnalysisEstimator } from './analysis-estimator.service';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

@RequireScopes('read')
@Controller()
export class AnalysisEstimateController {
  constructor(
    private readonly validator: AnalysisRequestValidator,
    private readonly estimator: AnalysisEstimator,
  ) {}

  /**
   * The body of `POST /api/analyze`, checked by the same validator so that a request that would be refused is
   * refused here with the same error. Nothing is stored or started; `maxCostUsd` is accepted and not applied.
   */
  @Post('analyze/estimate')
  @HttpCode(HttpStatus.OK)
  async estimate(@Body() body: unknown, @CurrentUser() user: AuthUser): Promise<AnalysisEstimate> {
    return this.estimator.estimate(await this.validator.validate(body, user.id));
  }
}
