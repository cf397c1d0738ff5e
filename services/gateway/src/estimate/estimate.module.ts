import { Module } from '@nestjs/common';
import { AnalysisRequestModule } from '../analyses/analysis-request.module';
import { CatalogModule } from '../catalog/catalog.module';
import { AnalysisEstimateController } from './analysis-estimate.controller';
import { AnalysisEstimator } from './analysis-estimator.service';

/**
 * `POST /api/analyze/estimate`, and the estimator that analyze uses for `maxCostUsd`. It takes the request
 * validator from AnalysisRequestModule, not from AnalysesModule, so AnalysesModule can import this one.
 */
@Module({
  imports: [AnalysisRequestModule, CatalogModule],
  controllers: [AnalysisEstimateController],
  providers: [AnalysisEstimator],
  exports: [AnalysisEstimator],
})
export class EstimateModule {}
