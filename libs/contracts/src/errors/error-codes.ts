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
  NotFound: 'not_found',
  AnalysisNotFound: 'analysis_not_found',
  /** Cancelling an analysis that has already completed or failed. */
  AnalysisEnded: 'analysis_ended',
  UnknownModel: 'unknown_model',
  ModelUnavailable: 'model_unavailable',
  UnknownPattern: 'unknown_pattern',
  PayloadTooLarge: 'payload_too_large',
  ServiceUnavailable: 'service_unavailable',
  Internal: 'internal_error',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details?: unknown };
}
