import { ApiErrorCode } from '@ultra/contracts';

/** HTTP status of every public error code; `satisfies` makes a new code without a status a compile error. */
export const statusOfCode = {
  validation_failed: 400,
  unknown_model: 400,
  model_unavailable: 400,
  unknown_pattern: 400,
  invalid_pattern: 400,
  budget_exceeded: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  not_found: 404,
  analysis_not_found: 404,
  email_taken: 409,
  analysis_ended: 409,
  pattern_exists: 409,
  rerun_not_possible: 409,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  idempotency_conflict: 422,
  internal_error: 500,
  service_unavailable: 503,
} as const satisfies Record<ApiErrorCode, number>;

const knownCodes = new Set<string>(Object.values(ApiErrorCode));

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}

/** One problem of a rejected request, e.g. `{ path: 'models.2', message: 'unknown model "x:y"' }`. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * A failure the client should see, carrying its public code. Services throw these; the exception filter is the one
 * place that turns a code into a status and a `{error:{code,message,details}}` body.
 */
export class ApiException extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiException';
  }

  get status(): number {
    return statusOfCode[this.code];
  }
}

export class ValidationFailedException extends ApiException {
  constructor(message: string, problems?: Problem[]) {
    super(ApiErrorCode.ValidationFailed, message, problems);
  }
}

export class ServiceUnavailableException extends ApiException {
  constructor(message: string) {
    super(ApiErrorCode.ServiceUnavailable, message);
  }
}
