import { UnrecoverableError } from 'bullmq';
import { QueryFailedError } from 'typeorm';

/** A job for an analysis that was never created (or was deleted) cannot succeed on retry, nor be ended. */
export class UnknownAnalysisError extends UnrecoverableError {
  constructor(readonly analysisId: string) {
    super(`analysis ${analysisId} does not exist`);
    this.name = 'UnknownAnalysisError';
  }
}

/** Socket-level failures of the pg driver and the SQLSTATEs Postgres answers while it is going away or starting. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGE = /connection terminated|connection timeout|connection error|server closed the connection/i;

function codeOf(error: unknown): string | undefined {
  const source = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  const code = (source as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Postgres refused the data itself: SQLSTATE class 22 (data exception: invalid text, out-of-range numbers) or 23
 * (integrity: the natural keys absorb re-deliveries with ON CONFLICT, so what still surfaces is a real violation).
 * The same data fails the same way on every attempt.
 */
export function isDataError(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = codeOf(error);
  return code !== undefined && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** The database is down or unreachable: the job should wait for it without spending an attempt. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) {
    return true;
  }
  return error instanceof Error && UNAVAILABLE_MESSAGE.test(error.message);
}

export function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableError || (error instanceof Error && error.name === UnrecoverableError.name);
}

/** What a job's failure says, bounded to fit an analysis error message. */
export function causeOf(error: unknown, max = 500): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > max ? `${message.slice(0, max)}…` : message;
}
