import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { DocumentsModule } from '../documents/documents.module';
import { PatternsModule } from '../patterns/patterns.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AnalysisRequestValidator } from './analysis-request.validator';

/**
 * The checks of an analyze body, shared by `POST /api/analyze` (AnalysesModule) and `POST /api/analyze/estimate`
 * (EstimateModule). A module of its own so that AnalysesModule can import EstimateModule without a cycle.
 */
@Module({
  imports: [CatalogModule, PatternsModule, DocumentsModule, WebhooksModule],
  providers: [AnalysisRequestValidator],
  exports: [AnalysisRequestValidator],
})
export class AnalysisRequestModule {}
