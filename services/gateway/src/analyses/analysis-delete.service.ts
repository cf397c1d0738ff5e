import { Injectable } from '@nestjs/common';
import { AnalysisStatus, ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import { AnalysesService } from './analyses.service';
import { AnalysisCancelService } from './analysis-cancel.service';
import { ResultsClient } from './results.client';

const ended = (status: AnalysisStatus) => status === AnalysisStatus.Completed || status === AnalysisStatus.Failed;

/**
 * Deletes an analysis with its stage runs and outputs. One that has not ended is refused (409 analysis_running)
 * unless the caller asks to cancel it first: then the cancel (mark + publish, as POST /cancel) stops the orchestrator
 * and the calls in flight, and whatever they still send for it later finds no analysis and stores nothing.
 */
@Injectable()
export class AnalysisDeleteService {
  constructor(
    private readonly analyses: AnalysesService,
    private readonly cancellation: AnalysisCancelService,
    private readonly results: ResultsClient,
  ) {}

  async delete(id: string, userId: string, cancel: boolean, requestId: string): Promise<void> {
    const view = await this.analyses.get(id, userId, requestId);
    if (!ended(view.status)) {
      if (!cancel) throw runningError(id, view.status);
      await this.cancelFirst(id, userId, requestId);
    }
    // `ended` makes results check the status in the DELETE statement too: the check and the delete are one.
    await this.results.deleteAnalysis(id, userId, cancel ? 'any' : 'ended', requestId);
  }

  /** An analysis that ended in the meantime needs no cancel: it is deleted all the same. */
  private async cancelFirst(id: string, userId: string, requestId: string): Promise<void> {
    try {
      await this.cancellation.cancel(id, userId, requestId);
    } catch (error) {
      if (error instanceof ApiException && error.code === ApiErrorCode.AnalysisEnded) return;
      throw error;
    }
  }
}

function runningError(id: string, status: AnalysisStatus): ApiException {
  return new ApiException(
    ApiErrorCode.AnalysisRunning,
    `analysis ${id} is ${status}; cancel it first, or delete it with ?cancel=1`,
  );
}
