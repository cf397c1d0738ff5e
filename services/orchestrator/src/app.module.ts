import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { ConfigModule, JOB_FLOWS, LoggingModule, MetricsModule, QueueModule } from '@ultra/platform';
import { AnalysisContextRepository } from './analyses/analysis-context.repository';
import { AnalysisFlowService } from './analyses/analysis-flow.service';
import { AnalysisProcessor } from './analyses/analysis.processor';
import { ChildFailuresService } from './analyses/child-failures.service';
import { StageCollector } from './analyses/stage-collector.service';
import { StageLauncher } from './analyses/stage-launcher.service';
import { AnalysisEventsPublisher } from './analyses/analysis-events.publisher';
import { orchestratorConfig } from './config/orchestrator.config';

@Module({
  imports: [
    ConfigModule.forValue(orchestratorConfig),
    LoggingModule.forRoot('orchestrator'),
    QueueModule.forRoot(),
    MetricsModule.forRoot({
      service: 'orchestrator',
      queues: [QueueName.Analyses],
      port: orchestratorConfig.METRICS_PORT,
      host: orchestratorConfig.METRICS_HOST,
    }),
    BullModule.registerQueue(
      { name: QueueName.Analyses },
      { name: QueueName.Results },
      // Read only: to find which model a failed child task was for.
      { name: QueueName.ModelTasks },
    ),
    BullModule.registerFlowProducer({ name: JOB_FLOWS }),
  ],
  providers: [
    AnalysisContextRepository,
    StageLauncher,
    AnalysisEventsPublisher,
    ChildFailuresService,
    StageCollector,
    AnalysisFlowService,
    AnalysisProcessor,
  ],
})
export class AppModule {}
