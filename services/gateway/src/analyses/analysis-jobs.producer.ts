import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { type AnalysisStartJob, analysisStartJob, type JobNameOn, QueueName } from '@ultra/contracts';
import { within } from '@ultra/platform';
import type { JobsOptions, Queue } from 'bullmq';
import { ServiceUnavailableException } from '../common/api-exception';

/** How long a request waits for Redis to take a job before the caller is told to retry. */
export const QUEUE_ADD_TIMEOUT_MS = 5_000;

const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  // Bounded history: enough to inspect recent runs without letting Redis grow without limit.
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
};

const START = 'analysis.start' satisfies JobNameOn<typeof QueueName.Analyses>;

/** The gateway's one way onto the `analyses` queue: the job is validated against its contract before it leaves. */
@Injectable()
export class AnalysisJobsProducer {
  private readonly logger = new Logger(AnalysisJobsProducer.name);

  constructor(@InjectQueue(QueueName.Analyses) private readonly queue: Queue) {}

  /** The job id is the analysis id, so starting the same analysis twice never runs it twice. */
  async start(data: AnalysisStartJob): Promise<void> {
    const payload = analysisStartJob.parse(data);
    try {
      await within(this.queue.add(START, payload, { ...JOB_OPTIONS, jobId: payload.analysisId }), QUEUE_ADD_TIMEOUT_MS);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      this.logger.error(`could not add ${START} for analysis ${payload.analysisId}: ${cause}`);
      throw new ServiceUnavailableException('the job queue is unavailable, try again shortly');
    }
  }
}
