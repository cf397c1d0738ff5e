import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiErrorCode, type ApiErrorBody } from '@ultra/contracts';
import { isRedisConnectionError } from '@ultra/platform';
import { ApiException } from './api-exception';

export interface ApiErrorResponse {
  status: number;
  body: ApiErrorBody;
}

/** Public code of a framework error by its status: Nest's own exceptions and Fastify's (bad JSON, body too large). */
function codeOfStatus(status: number): ApiErrorCode {
  switch (status) {
    case 401:
      return ApiErrorCode.Unauthorized;
    case 404:
    case 405:
      return ApiErrorCode.NotFound;
    case 413:
      return ApiErrorCode.PayloadTooLarge;
    case 503:
      return ApiErrorCode.ServiceUnavailable;
    default:
      return status >= 500 ? ApiErrorCode.Internal : ApiErrorCode.ValidationFailed;
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}

/** Maps anything thrown while handling a request to the public error shape. Pure, so it is tested directly. */
export function toApiError(exception: unknown): ApiErrorResponse {
  if (exception instanceof ApiException) {
    const error = { code: exception.code, message: exception.message };
    return {
      status: exception.status,
      body: { error: exception.details === undefined ? error : { ...error, details: exception.details } },
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeOfStatus(status);
    // A framework 5xx may carry internals; the client gets a generic message and the log gets the rest.
    const message = code === ApiErrorCode.Internal ? 'internal error' : messageOf(exception);
    return { status, body: { error: { code, message } } };
  }
  // Redis clients fail fast while Redis is unreachable (QueueModule failFastMs): that is an outage, not a bug.
  if (isRedisConnectionError(exception)) {
    const message = 'Redis is unavailable, try again shortly';
    return { status: 503, body: { error: { code: ApiErrorCode.ServiceUnavailable, message } } };
  }
  return { status: 500, body: { error: { code: ApiErrorCode.Internal, message: 'internal error' } } };
}

/** The one global filter: every error response of the gateway, including unknown routes and bad bodies. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = toApiError(exception);
    if (status >= 500 && status !== 503) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    } else if (status === 503) {
      this.logger.warn(body.error.message);
    }
    const response: unknown = host.switchToHttp().getResponse();
    this.adapterHost.httpAdapter.reply(response, body, status);
  }
}
