import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { CatalogModule } from '../catalog/catalog.module';
import { EstimateModule } from '../estimate/estimate.module';
import { PatternsModule } from '../patterns/patterns.module';
import { AnalysesController } from './analyses.controller';
import { AnalysesService } from './analyses.service';
import { AnalysisCancelService } from './analysis-cancel.service';
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
    BullModule.registerQueue({ name: QueueName.Analyses }),
  ],
  controllers: [AnalysesController],
  providers: [AnalysesService, AnalysisCancelService, AnalysisRerunService, ResultsClient, AnalysisJobsProducer],
})
export class AnalysesModule {}
