import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { CatalogModule } from '../catalog/catalog.module';
import { EstimateModule } from '../estimate/estimate.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PatternsModule } from '../patterns/patterns.module';
import { AnalysesController } from './analyses.controller';
import { AnalysesService } from './analyses.service';
import { AnalysisCancelService } from './analysis-cancel.service';
import { AnalysisDeleteService } from './analysis-delete.service';
import { AnalysisJobsProducer } from './analysis-jobs.producer';
import { AnalysisRequestModule } from './analysis-request.module';
import { AnalysisRerunService } from './analysis-rerun.service';
import { ResultsClient } from './results.client';

@Module({
  imports: [
    CatalogModule,
    PatternsModule,
    AnalysisRequestModule,
    EstimateModule,
    IdempotencyModule,
    // Results: a cancel adds a delayed analysis.terminate, so the analysis ends even if no orchestrator holds it.
    BullModule.registerQueue({ name: QueueName.Analyses }, { name: QueueName.Results }),
  ],
  controllers: [AnalysesController],
  providers: [
    AnalysesService,
    AnalysisCancelService,
    AnalysisDeleteService,
    AnalysisRerunService,
    ResultsClient,
    AnalysisJobsProducer,
  ],
  // Follow-ups launch analyses the same way, and threads read them from results.
  exports: [AnalysesService, ResultsClient, AnalysisCancelService],
})
export class AnalysesModule {}
