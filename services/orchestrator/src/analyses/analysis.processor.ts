import { Processor, WorkerHost } from '@nestjs/bullmq';
import { assertNever, InvalidJobError, parseJob, QueueName } from '@ultra/contracts';
import { type Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { orchestratorConfig } from '../config/orchestrator.config';
import { AnalysisFlowService } from './analysis-flow.service';

/** The only consumer of the analyses queue: starts analyses and advances them stage by stage. */
@Processor(QueueName.Analyses, { concurrency: orchestratorConfig.ORCHESTRATOR_CONCURRENCY })
export class AnalysisProcessor extends WorkerHost {
  constructor(
    private readonly flow: AnalysisFlowService,
    private readonly logger: PinoLogger,
  ) {
    super();
  }

  async process(job: Job): Promise<void> {
    let item;
    try {
      item = parseJob(job, QueueName.Analyses);
    } catch (error) {
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
    const { requestId, analysisId } = item.data;
    return this.logger.runInContext(
      () => {
        switch (item.name) {
          case 'analysis.start':
            return this.flow.start(item.data);
          case 'stage.advance':
            return this.flow.advance(item.data);
          default:
            return assertNever(item);
        }
      },
      { bindings: { requestId, analysisId, jobId: job.id, job: item.name } },
    );
  }
}
