import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { AnalysesModule } from '../analyses/analyses.module';
import { AnalysisLifecycleService } from './analysis-lifecycle.service';
import { ChildFailuresService } from './child-failures.service';
import { ResultsProcessor } from './results.processor';
import { StageCollectService } from './stage-collect.service';

/** Jobs results adds are kept briefly for inspection; failures longer, for post-mortems. */
const defaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
};

@Module({
  imports: [
    AnalysesModule,
    BullModule.registerQueue(
      { name: QueueName.Results },
      { name: QueueName.Analyses, defaultJobOptions },
      // Read only: to find which model a failed child task was for.
      { name: QueueName.ModelTasks },
    ),
  ],
  providers: [ResultsProcessor, StageCollectService, AnalysisLifecycleService, ChildFailuresService],
})
export class ResultsQueueModule {}
