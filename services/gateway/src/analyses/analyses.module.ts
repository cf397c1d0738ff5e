import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { CatalogModule } from '../catalog/catalog.module';
import { AnalysesController } from './analyses.controller';
import { AnalysesService } from './analyses.service';
import { AnalysisCancelService } from './analysis-cancel.service';
import { AnalysisJobsProducer } from './analysis-jobs.producer';
import { AnalysisRequestValidator } from './analysis-request.validator';
import { ResultsClient } from './results.client';

@Module({
  imports: [CatalogModule, BullModule.registerQueue({ name: QueueName.Analyses })],
  controllers: [AnalysesController],
  providers: [AnalysesService, AnalysisCancelService, AnalysisRequestValidator, ResultsClient, AnalysisJobsProducer],
})
export class AnalysesModule {}
