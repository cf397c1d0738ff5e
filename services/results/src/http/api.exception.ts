import { HttpStatus } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';

/** Codes of the internal API: the public ones, plus the conflicts only results can see. */
export const ResultsErrorCode = {
  ...ApiErrorCode,
  AnalysisIdTaken: 'analysis_id_taken',
  AnalysisNotQueued: 'analysis_not_queued',
} as const;
export type ResultsErrorCode = (typeof ResultsErrorCode)[keyof typeof ResultsErrorCode];

/**
 * A failure the caller can act on. It carries its code and status so that the one exception filter, not each
 * handler, decides how errors look on the wire: `{error:{code,message,details?}}`.
 */
export class ApiException extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: ResultsErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiException';
  }

  static validation(message: string, details?: unknown): ApiException {
    return new ApiException(HttpStatus.BAD_REQUEST, ResultsErrorCode.ValidationFailed, message, details);
  }

  static analysisNotFound(id: string): ApiException {
    return new ApiException(HttpStatus.NOT_FOUND, ResultsErrorCode.AnalysisNotFound, `analysis ${id} not found`);
  }

  static analysisIdTaken(id: string): ApiException {
    return new ApiException(
      HttpStatus.CONFLICT,
      ResultsErrorCode.AnalysisIdTaken,
      `analysis ${id} already exists for another user`,
    );
  }

  static analysisNotQueued(id: string, status: string): ApiException {
    return new ApiException(
      HttpStatus.CONFLICT,
      ResultsErrorCode.AnalysisNotQueued,
      `analysis ${id} is ${status}, not queued; only a queued analysis can be deleted`,
    );
  }
}
