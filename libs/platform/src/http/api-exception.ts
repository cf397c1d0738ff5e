import { ApiErrorCode } from '@ultra/contracts';

/** Codes only the internal API between gateway and results answers with; never seen by a client. */
export const InternalErrorCode = {
  /** Creating an analysis whose id another user's analysis already has. */
  AnalysisIdTaken: 'analysis_id_taken',
  /** Deleting an analysis that is no longer queued. */
  AnalysisNotQueued: 'analysis_not_queued',
} as const;
export type InternalErrorCode = (typeof InternalErrorCode)[keyof typeof InternalErrorCode];

/** Every code an `{error:{code,message,details}}` body of an Ultra service can carry. */
export type HttpErrorCode = ApiErrorCode | InternalErrorCode;

/**
 * The one table from error code to HTTP status, for every service. `satisfies` makes a new code without a status
 * a compile error here, so no service can forget one.
 */
export const statusOfCode = {
  validation_failed: 400,
  unknown_model: 400,
  model_unavailable: 400,
  unknown_pattern: 400,
  unknown_document: 400,
  invalid_pattern: 400,
  budget_exceeded: 400,
  unsupported_parameter: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  account_disabled: 401,
  forbidden: 403,
  insufficient_scope: 403,
  not_found: 404,
  analysis_not_found: 404,
  document_not_found: 404,
  email_taken: 409,
  analysis_ended: 409,
  analysis_running: 409,
  pattern_exists: 409,
  rerun_not_possible: 409,
  follow_up_not_possible: 409,
  idempotency_in_progress: 409,
  analysis_id_taken: 409,
  analysis_not_queued: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_conflict: 422,
  document_without_text: 422,
  too_many_requests: 429,
  budget_exhausted: 402,
  rate_limited: 429,
  internal_error: 500,
  analysis_failed: 502,
  service_unavailable: 503,
} as const satisfies Record<HttpErrorCode, number>;

const publicCodes = new Set<string>(Object.values(ApiErrorCode));

/** A code of the public API (what the gateway may pass on from results as it is). */
export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && publicCodes.has(value);
}

/** One problem of a rejected request, e.g. `{ path: 'models.2', message: 'unknown model "x:y"' }`. */
export interface Problem {
  path: string;
  message: string;
}

/** The body of every error answer. */
export interface HttpErrorBody {
  error: { code: HttpErrorCode; message: string; details?: unknown; traceId?: string };
}

/**
 * A failure the caller should see, carrying its code. Services throw these; ApiExceptionFilter is the one place
 * that turns a code into a status (statusOfCode) and a `{error:{code,message,details}}` body.
 */
export class ApiException extends Error {
  constructor(
    readonly code: HttpErrorCode,
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
