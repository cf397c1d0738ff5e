import { Processor } from '@nestjs/bullmq';
import { assertNever, QueueName } from '@ultra/contracts';
import { parseQueueJob, QueueProcessor, runWithLogBindings } from '@ultra/platform';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { orchestratorConfig } from '../config/orchestrator.config';
import { AnalysisFlowService } from './analysis-flow.service';

/** The only consumer of the analyses queue: starts analyses and, as each stage's flow completes, advances them. */
@Processor(QueueName.Analyses, {
  concurrency: orchestratorConfig.ORCHESTRATOR_CONCURRENCY,
  lockDuration: orchestratorConfig.ORCHESTRATOR_LOCK_DURATION_MS,
  stalledInterval: orchestratorConfig.ORCHESTRATOR_STALLED_INTERVAL_MS,
})
export class AnalysisProcessor extends QueueProcessor {
  constructor(
    private readonly flow: AnalysisFlowService,
    protected readonly logger: PinoLogger,
  ) {
    super();
  }

  protected async handle(job: Job): Promise<void> {
    const item = parseQueueJob(job, QueueName.Analyses);
    const { requestId, analysisId } = item.data;
    return runWithLogBindings({ requestId, analysisId, jobId: job.id, job: item.name }, () => {
      switch (item.name) {
        case 'analysis.start':
          return this.flow.start(item.data);
        case 'stage.collect':
          return this.flow.advance(job, item.data);
        default:
          return assertNever(item);
      }
    });
  }
}
