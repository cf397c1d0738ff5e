import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { ConfigModule, LoggingModule, QueueModule } from '@ultra/platform';
import { AnalysisContextRepository } from './analyses/analysis-context.repository';
import { AnalysisFlowService } from './analyses/analysis-flow.service';
import { AnalysisProcessor } from './analyses/analysis.processor';
import { STAGE_FLOWS, StageLauncher } from './analyses/stage-launcher.service';
import { orchestratorConfig } from './config/orchestrator.config';

@Module({
  imports: [
    ConfigModule.forValue(orchestratorConfig),
    LoggingModule.forRoot('orchestrator'),
    QueueModule.forRoot(),
    BullModule.registerQueue({ name: QueueName.Analyses }, { name: QueueName.Results }),
    BullModule.registerFlowProducer({ name: STAGE_FLOWS }),
  ],
  providers: [AnalysisContextRepository, StageLauncher, AnalysisFlowService, AnalysisProcessor],
})
export class AppModule {}
