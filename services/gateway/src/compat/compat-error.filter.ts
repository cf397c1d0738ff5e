import { type ArgumentsHost, Catch } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import { ApiExceptionFilter, type HttpErrorBody } from '@ultra/platform';

/** An Ultra error as the compatible APIs answer it, before a vendor's dialect wraps it. */
export interface CompatError {
  status: number;
  code: string;
  message: string;
  /** The request field at fault, where one is known (`model`, `tools`, `messages.2.content`). */
  param: string | null;
  /** The request's trace id (as in every Ultra error body), to find its logs and spans. */
  traceId?: string;
}

/**
 * Ultra's codes with the statuses the vendors use for the same case: an unknown model is 404 for both SDKs
 * (NotFoundError), a spent daily budget is OpenAI's 429 insufficient_quota and Anthropic's 402 billing_error.
 */
export function compatErrorOf(
  error: { status: number; body: HttpErrorBody },
  vendor: 'openai' | 'anthropic',
): CompatError {
  const { code, message, details, traceId } = error.body.error;
  const first: unknown = Array.isArray(details) ? details[0] : undefined;
  const param =
    typeof first === 'object' && first !== null && 'path' in first && typeof first.path === 'string'
      ? first.path
      : null;
  let status = error.status;
  if (code === ApiErrorCode.UnknownModel) status = 404;
  if (code === ApiErrorCode.BudgetExhausted && vendor === 'openai') status = 429;
  return {
    status,
    code: code === ApiErrorCode.UnknownModel ? 'model_not_found' : code,
    message,
    param,
    ...(traceId !== undefined && { traceId }),
  };
}

function openAiType(error: CompatError): string {
  if (error.code === ApiErrorCode.BudgetExhausted) return 'insufficient_quota';
  if (error.status === 401) return 'authentication_error';
  if (error.status === 403) return 'permission_error';
  if (error.status === 429) return 'rate_limit_error';
  return error.status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** The trace id in a vendor dialect's snake case; absent when the request is not traced. */
const traceField = (error: CompatError) => (error.traceId === undefined ? {} : { trace_id: error.traceId });

/** OpenAI's error body: `{error: {message, type, param, code}}`, and Ultra's trace id. */
export function openAiErrorBody(error: CompatError) {
  return {
    error: {
      message: error.message,
      type: openAiType(error),
      param: error.param,
      code: error.code,
      ...traceField(error),
    },
  };
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
};

/** Anthropic's error body: `{type: 'error', error: {type, message}}`, with Ultra's code and trace id beside. */
export function anthropicErrorBody(error: CompatError) {
  const type = ANTHROPIC_TYPES[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  return {
    type: 'error',
    error: { type, message: error.message, code: error.code, param: error.param, ...traceField(error) },
  };
}

/** The dialect a compatible route answers errors in: Anthropic's for `/v1/messages…` and Anthropic clients. */
export function dialectOf(request: { url?: string; headers: Record<string, unknown> }): 'openai' | 'anthropic' {
  if (request.url?.startsWith('/v1/messages')) return 'anthropic';
  return request.headers['anthropic-version'] === undefined ? 'openai' : 'anthropic';
}

/**
 * Errors of the compatible routes in the vendor's dialect and statuses, so each SDK raises its usual error class
 * (guards' 401/403 and the limits' 429 included: a controller's filter sees them too).
 */
@Catch()
export class CompatErrorFilter extends ApiExceptionFilter {
  protected override render(error: { status: number; body: HttpErrorBody }, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<{ url?: string; headers: Record<string, unknown> }>();
    const dialect = dialectOf(request);
    const compat = compatErrorOf(error, dialect);
    return { status: compat.status, body: dialect === 'openai' ? openAiErrorBody(compat) : anthropicErrorBody(compat) };
  }
}
