import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { AnalysesModule } from '../analyses/analyses.module';
import { EventsModule } from '../events/events.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AnalysisLifecycleService } from './analysis-lifecycle.service';
import { InterruptedAnalysesService } from './interrupted-analyses.service';
import { ResultsProcessor } from './results.processor';
import { StageRecordService } from './stage-record.service';

/**
 * Results only consumes its own queue: the orchestrator adds every job on it with the attempts and backoff that
 * job needs, so no default job options are set here.
 */
@Module({
  imports: [AnalysesModule, EventsModule, WebhooksModule, BullModule.registerQueue({ name: QueueName.Results })],
  providers: [ResultsProcessor, StageRecordService, AnalysisLifecycleService, InterruptedAnalysesService],
  // The queue too: the watchdog looks for an analysis' pending results jobs.
  exports: [AnalysisLifecycleService, BullModule],
})
export class ResultsQueueModule {}
