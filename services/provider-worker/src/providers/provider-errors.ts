import { ErrorCategory } from '@ultra/contracts';
import { ProviderError } from './llm-provider';

/**
 * The category of an HTTP failure, the same for every vendor: what decides whether a call is retried.
 * `model` is the full model id, so the message names which model failed.
 */
export function fromHttpStatus(model: string, status: number, detail: string, retryAfterMs?: number): ProviderError {
  const message = `${model}: HTTP ${status}: ${detail}`;
  if (status === 401 || status === 403) return new ProviderError(ErrorCategory.Auth, message);
  if (status === 429) return new ProviderError(ErrorCategory.RateLimit, message, retryAfterMs);
  if (status === 408 || status === 504) return new ProviderError(ErrorCategory.Timeout, message);
  if (status >= 500) return new ProviderError(ErrorCategory.ProviderUnavailable, message, retryAfterMs);
  return new ProviderError(ErrorCategory.InvalidRequest, message);
}

/** Seconds from a `retry-after` header, as milliseconds. */
export function retryAfterMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * A failure that is not an HTTP status: the call was aborted (timeout or cancellation), the connection broke,
 * or the stream ended early or was malformed.
 */
export function fromTransportError(model: string, error: unknown, signal: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (signal.aborted) return new ProviderError(ErrorCategory.Timeout, `${model}: aborted (${detail})`);
  return new ProviderError(ErrorCategory.ProviderUnavailable, `${model}: ${detail}`);
}
