import { Inject, Injectable } from '@nestjs/common';
import { analysisCancelChannel, analysisCancelledKey, AnalysisStatus, ApiErrorCode } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { ApiException } from '../common/api-exception';
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
 * and ends it as failed with code `cancelled`) and tells provider-workers to abort the calls they hold for it.
 */
@Injectable()
export class AnalysisCancelService {
  constructor(
    private readonly analyses: AnalysesService,
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
    return { id, status: 'cancelling' };
  }
}
