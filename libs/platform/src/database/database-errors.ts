import { QueryFailedError } from 'typeorm';

/** Socket-level failures of the pg driver and the SQLSTATEs Postgres answers while it is going away or starting. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGE = /connection terminated|connection timeout|connection error|server closed the connection/i;

/** The pg error code (SQLSTATE or socket code) of a failure, through TypeORM's wrapper. */
export function databaseCodeOf(error: unknown): string | undefined {
  const source = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  const code = (source as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The database is down or unreachable (or went away mid-query): an outage, not a bug. Jobs wait for it without
 * spending an attempt; HTTP answers 503 so clients retry.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = databaseCodeOf(error);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) {
    return true;
  }
  return error instanceof Error && UNAVAILABLE_MESSAGE.test(error.message);
}
