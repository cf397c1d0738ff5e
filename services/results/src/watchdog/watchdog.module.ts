import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { AnalysesModule } from '../analyses/analyses.module';
import { ResultsQueueModule } from '../results-queue/results-queue.module';
import { AnalysisRecoveryService } from './analysis-recovery.service';
import { WatchdogRepository } from './watchdog.repository';
import { WatchdogScheduler } from './watchdog.scheduler';
import { WatchdogService } from './watchdog.service';

/** Never stuck: ends analyses past their deadline or never started, and resumes those whose work was lost. */
@Module({
  imports: [
    AnalysesModule,
    ResultsQueueModule,
    // Recovery looks for an analysis' pending start job and adds analysis.start again.
    BullModule.registerQueue({ name: QueueName.Analyses }),
  ],
  providers: [WatchdogRepository, WatchdogService, AnalysisRecoveryService, WatchdogScheduler],
  exports: [WatchdogService],
})
export class WatchdogModule {}
