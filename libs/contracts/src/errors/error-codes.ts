import { z } from 'zod';

/** Why a model call failed. Retryable categories are retried with backoff before the output is recorded failed. */
export const ErrorCategory = {
  Timeout: 'timeout',
  RateLimit: 'rate_limit',
  ProviderUnavailable: 'provider_unavailable',
  Auth: 'auth',
  InvalidRequest: 'invalid_request',
  ContentFilter: 'content_filter',
  Cancelled: 'cancelled',
  WorkerLost: 'worker_lost',
  /** The model's (or its provider's) circuit breaker was open: no call was made. */
  CircuitOpen: 'circuit_open',
  Internal: 'internal',
} as const;
export type ErrorCategory = (typeof ErrorCategory)[keyof typeof ErrorCategory];
export const errorCategorySchema = z.enum(Object.values(ErrorCategory) as [ErrorCategory, ...ErrorCategory[]]);

export const retryableCategories: ReadonlySet<ErrorCategory> = new Set([
  ErrorCategory.Timeout,
  ErrorCategory.RateLimit,
  ErrorCategory.ProviderUnavailable,
]);

/** Codes of the public API's `{error:{code,message,details}}` bodies. */
export const ApiErrorCode = {
  ValidationFailed: 'validation_failed',
  Unauthorized: 'unauthorized',
  InvalidCredentials: 'invalid_credentials',
  EmailTaken: 'email_taken',
  /** Signing in to (or using a token of) an account an admin disabled (401). */
  AccountDisabled: 'account_disabled',
  /** A route for admins only, called by someone else (403). */
  Forbidden: 'forbidden',
  /** An API key without the scope a route needs, or on a route API keys may not use (403). */
  InsufficientScope: 'insufficient_scope',
  NotFound: 'not_found',
  AnalysisNotFound: 'analysis_not_found',
  /** Cancelling an analysis that has already completed or failed. */
  AnalysisEnded: 'analysis_ended',
  /** Deleting an analysis that is still queued or running (without `?cancel=1`). */
  AnalysisRunning: 'analysis_running',
  UnknownModel: 'unknown_model',
  ModelUnavailable: 'model_unavailable',
  UnknownPattern: 'unknown_pattern',
  /** A pattern document that fails validation (details name each field). */
  InvalidPattern: 'invalid_pattern',
  /** Creating a pattern whose id the caller (or a built-in) already uses. */
  PatternExists: 'pattern_exists',
  /** The high cost estimate is above the request's maxCostUsd. */
  BudgetExceeded: 'budget_exceeded',
  /** Rerunning from a stage the source analysis never ran, or a source that has not ended. */
  RerunNotPossible: 'rerun_not_possible',
  /** A follow-up to an analysis that is still queued or running. */
  FollowUpNotPossible: 'follow_up_not_possible',
  /** The same Idempotency-Key was sent before with a different request body (422). */
  IdempotencyConflict: 'idempotency_conflict',
  /** A request with the same Idempotency-Key is still being answered (409); retry it to get that answer. */
  IdempotencyInProgress: 'idempotency_in_progress',
  /**
   * A compatible-API call whose analysis failed (every model failed, timed out, was cancelled): 502, with the
   * analysis' own code and message (which name each model and category) in details.
   */
  AnalysisFailed: 'analysis_failed',
  /** A field of the OpenAI/Anthropic-compatible API that Ultra cannot honour for this model (400). */
  UnsupportedParameter: 'unsupported_parameter',
  PayloadTooLarge: 'payload_too_large',
  /** An uploaded document that is neither UTF-8 text nor a readable PDF (415). */
  UnsupportedMediaType: 'unsupported_media_type',
  /** A document that does not exist or is another user's (404). */
  DocumentNotFound: 'document_not_found',
  /** `documentIds` naming a document that does not exist or is another user's (400). */
  UnknownDocument: 'unknown_document',
  /** An upload with no text in it: an empty file, or a PDF without a text layer (422). */
  DocumentWithoutText: 'document_without_text',
  /** Over a per-minute limit of the caller's tier (429, with Retry-After and RateLimit-* headers). */
  RateLimited: 'rate_limited',
  /** Today's (UTC) cost of the caller's analyses has reached the tier's daily budget (402); details say when it resets. */
  BudgetExhausted: 'budget_exhausted',
  /** Too many attempts (e.g. failed sign-ins) in a while; `Retry-After` says when to try again (429). */
  TooManyRequests: 'too_many_requests',
  ServiceUnavailable: 'service_unavailable',
  Internal: 'internal_error',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export interface ApiErrorBody {
  /** traceId: the request's OpenTelemetry trace, for support and for finding it in a trace viewer. */
  error: { code: ApiErrorCode; message: string; details?: unknown; traceId?: string };
}

/** Why an analysis failed: `error.code` of a failed analysis. */
export const AnalysisErrorCode = {
  /** Every model failed in a stage and none is left. */
  AllModelsFailed: 'all_models_failed',
  /** Fewer outputs than the quorum completed a stage. */
  QuorumNotMet: 'quorum_not_met',
  /** Every model that could run a single-model stage (the synthesis) failed. */
  SynthesisFailed: 'synthesis_failed',
  DeadlineExceeded: 'deadline_exceeded',
  Cancelled: 'cancelled',
  /** The pattern could not be interpreted (a reference to data that is not there). */
  PatternError: 'pattern_error',
  /**
   * The analysis' work was lost (a crash took its queue state with it) and it could not be resumed from its stored
   * stages; or it made no progress past its deadline.
   */
  Interrupted: 'interrupted',
} as const;
export type AnalysisErrorCode = (typeof AnalysisErrorCode)[keyof typeof AnalysisErrorCode];
