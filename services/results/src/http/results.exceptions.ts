import { ApiErrorCode } from '@ultra/contracts';
import { ApiException, InternalErrorCode } from '@ultra/platform';

// The results service's own failures. Their statuses come from platform's one code table and their bodies from
// its one filter (libs/platform/src/http), like every other service's.

export class AnalysisNotFoundException extends ApiException {
  constructor(id: string) {
    super(ApiErrorCode.AnalysisNotFound, `analysis ${id} not found`);
  }
}

/** Creating an analysis whose id another user's analysis has. */
export class AnalysisIdTakenException extends ApiException {
  constructor(id: string) {
    super(InternalErrorCode.AnalysisIdTaken, `analysis ${id} already exists for another user`);
  }
}

/** The gateway's clean-up of an analysis it could not queue, once that analysis has started after all. */
export class AnalysisNotQueuedException extends ApiException {
  constructor(id: string, status: string) {
    super(
      InternalErrorCode.AnalysisNotQueued,
      `analysis ${id} is ${status}, not queued; only a queued analysis can be deleted`,
    );
  }
}

/** The public delete of an analysis that has not ended (the gateway passes the code on). */
export class AnalysisRunningException extends ApiException {
  constructor(id: string, status: string) {
    super(ApiErrorCode.AnalysisRunning, `analysis ${id} is ${status}; cancel it first, or delete it with ?cancel=1`);
  }
}
