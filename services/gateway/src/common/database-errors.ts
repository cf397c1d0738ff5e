import { QueryFailedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';

/** A unique constraint refused the write: the constraint, not a prior lookup, decides a race between two writers. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  return (error.driverError as Error & { code?: unknown }).code === UNIQUE_VIOLATION;
}
