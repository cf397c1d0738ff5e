import { UnrecoverableError } from 'bullmq';
import { databaseCodeOf } from '@ultra/platform';
import { QueryFailedError } from 'typeorm';

export { isDatabaseUnavailable } from '@ultra/platform';

/** A job for an analysis that was never created (or was deleted) cannot succeed on retry, nor be ended. */
export class UnknownAnalysisError extends UnrecoverableError {
  constructor(readonly analysisId: string) {
    super(`analysis ${analysisId} does not exist`);
    this.name = 'UnknownAnalysisError';
  }
}

/**
 * Postgres refused the data itself: SQLSTATE class 22 (data exception: invalid text, out-of-range numbers) or 23
 * (integrity: the natural keys absorb re-deliveries with ON CONFLICT, so what still surfaces is a real violation).
 * The same data fails the same way on every attempt.
 */
export function isDataError(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = databaseCodeOf(error);
  return code !== undefined && /^2[23][0-9A-Z]{3}$/.test(code);
}

export function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableError || (error instanceof Error && error.name === UnrecoverableError.name);
}

/** What a job's failure says, bounded to fit an analysis error message. */
export function causeOf(error: unknown, max = 500): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > max ? `${message.slice(0, max)}…` : message;
}
