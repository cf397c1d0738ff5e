import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  analysisCancelChannel,
  analysisCancelledKey,
  AnalysisErrorCode,
  AnalysisStatus,
  ApiErrorCode,
  SCHEMA_VERSION,
} from '@ultra/contracts';
import { APP_CONFIG, JobProducer, REDIS, within } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { ApiException, ServiceUnavailableException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';
import { AnalysesService } from './analyses.service';

/** How long the cancellation mark outlives the request; longer than any analysis may run. */
const CANCEL_MARK_TTL_S = 86_400;

export interface CancelAccepted {
  id: string;
  status: 'cancelling';
}

/**
 * Cancels an analysis: one Redis transaction marks it cancelled (the orchestrator then starts no further stage
 * and ends it as failed with code `cancelled`) and tells provider-workers to abort the calls they hold for it. A
 * delayed `analysis.terminate` (CANCEL_GRACE_MS) then ends it with `cancelled` in any case, should no orchestrator
 * hold it any more (its state lost); for an analysis that has ended by then it changes nothing.
 */
@Injectable()
export class AnalysisCancelService {
  private readonly logger = new Logger(AnalysisCancelService.name);

  constructor(
    private readonly analyses: AnalysesService,
    private readonly jobs: JobProducer,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async cancel(id: string, userId: string, requestId: string): Promise<CancelAccepted> {
    const view = await this.analyses.get(id, userId, requestId);
    if (view.status === AnalysisStatus.Completed || view.status === AnalysisStatus.Failed) {
      throw new ApiException(
        ApiErrorCode.AnalysisEnded,
        `analysis ${id} has already ${view.status}; nothing to cancel`,
      );
    }
    await this.redis
      .multi()
      .set(analysisCancelledKey(this.config.QUEUE_PREFIX, id), requestId, 'EX', CANCEL_MARK_TTL_S)
      .publish(analysisCancelChannel(this.config.QUEUE_PREFIX), id)
      .exec();
    await this.terminateLater(id, requestId);
    return { id, status: 'cancelling' };
  }

  /** One per analysis (the job id): a repeated cancel keeps the first one's time. */
  private async terminateLater(id: string, requestId: string): Promise<void> {
    const data = {
      schemaVersion: SCHEMA_VERSION,
      analysisId: id,
      requestId,
      code: AnalysisErrorCode.Cancelled,
      message: 'the analysis was cancelled',
    } as const;
    const added = this.jobs.add('analysis.terminate', data, {
      jobId: `${id}_cancel`,
      delay: this.config.CANCEL_GRACE_MS,
    });
    try {
      await within(added, this.config.QUEUE_ADD_TIMEOUT_MS);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      this.logger.error(`could not add analysis.terminate for cancelled analysis ${id}: ${cause}`);
      throw new ServiceUnavailableException('the job queue is unavailable, try again shortly');
    }
  }
}
