import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AnalysisStartJob, InvalidJobError } from '@ultra/contracts';
import { APP_CONFIG, JobProducer, within } from '@ultra/platform';
import { ServiceUnavailableException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';

/**
 * The gateway's one way onto the `analyses` queue, through the platform's typed producer (queue, options and
 * validation in one place); here only the wait is bounded and a Redis failure becomes a 503.
 */
@Injectable()
export class AnalysisJobsProducer {
  private readonly logger = new Logger(AnalysisJobsProducer.name);

  constructor(
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'QUEUE_ADD_TIMEOUT_MS'>,
  ) {}

  /** The job id is the analysis id, so starting the same analysis twice never runs it twice. */
  async start(data: AnalysisStartJob): Promise<void> {
    try {
      await within(this.jobs.add('analysis.start', data, { jobId: data.analysisId }), this.config.QUEUE_ADD_TIMEOUT_MS);
    } catch (error) {
      // Data that breaks the contract is our bug (a 500), not an unavailable queue.
      if (error instanceof InvalidJobError) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      this.logger.error(`could not add analysis.start for analysis ${data.analysisId}: ${cause}`);
      throw new ServiceUnavailableException('the job queue is unavailable, try again shortly');
    }
  }
}
