import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiErrorCode } from '@ultra/contracts';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../database/database-errors';
import { isRedisConnectionError, isRedisFullError } from '../redis/redis-options';
import { reportException } from '../telemetry/sentry-reporter';
import { activeTraceIds } from '../telemetry/trace-context';
import { ApiException, type HttpErrorBody, type HttpErrorCode } from './api-exception';

export interface HttpErrorResponse {
  status: number;
  body: HttpErrorBody;
  /** Why the database refused a value, for the log: the answer says less. */
  warning?: string;
}

/** Public code of a framework error by its status: Nest's own exceptions and Fastify's (bad JSON, body too large). */
function codeOfStatus(status: number): HttpErrorCode {
  switch (status) {
    case 401:
      return ApiErrorCode.Unauthorized;
    case 404:
    case 405:
      return ApiErrorCode.NotFound;
    case 413:
      return ApiErrorCode.PayloadTooLarge;
    case 415:
      return ApiErrorCode.UnsupportedMediaType;
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

/**
 * SQLSTATE class 22, "data exception": Postgres refused a value the request carried (a NUL in text 22021, in jsonb
 * 22P05, a string too long 22001, ...). The value is the caller's fault, so it is a 400, not a 500.
 */
function dataExceptionOf(exception: unknown): { sqlState: string; message: string } | null {
  if (!(exception instanceof QueryFailedError)) return null;
  // Typed loosely by TypeORM; pg's DatabaseError carries the SQLSTATE as `code`.
  const driverError: unknown = exception.driverError;
  if (!(driverError instanceof Error) || !('code' in driverError)) return null;
  const { code } = driverError;
  return typeof code === 'string' && code.startsWith('22') ? { sqlState: code, message: driverError.message } : null;
}

const INTERNAL = { code: ApiErrorCode.Internal, message: 'internal error' };

/** Maps anything thrown while handling a request to the public error shape. Pure, so it is tested directly. */
export function toApiError(exception: unknown): HttpErrorResponse {
  if (exception instanceof ApiException) {
    const error = { code: exception.code, message: exception.message };
    const body = { error: exception.details === undefined ? error : { ...error, details: exception.details } };
    return { status: exception.status, body };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeOfStatus(status);
    // A framework 5xx may carry internals; the client gets a generic message and the log gets the rest.
    const message = code === ApiErrorCode.Internal ? INTERNAL.message : messageOf(exception);
    return { status, body: { error: { code, message } } };
  }
  // Redis clients fail fast while Redis is unreachable (QueueModule failFastMs): that is an outage, not a bug.
  if (isRedisConnectionError(exception)) {
    const message = 'Redis is unavailable, try again shortly';
    return { status: 503, body: { error: { code: ApiErrorCode.ServiceUnavailable, message } } };
  }
  // A Redis at maxmemory refuses writes (noeviction): the operator must act (docs/operations.md), clients retry.
  if (isRedisFullError(exception)) {
    const message = 'Redis is out of memory, try again later';
    return { status: 503, body: { error: { code: ApiErrorCode.ServiceUnavailable, message } } };
  }
  // Postgres going away or unreachable (a query cut off mid-way included): retry later, like Redis.
  if (isDatabaseUnavailable(exception)) {
    const message = 'the database is unavailable, try again shortly';
    return { status: 503, body: { error: { code: ApiErrorCode.ServiceUnavailable, message } } };
  }
  const refused = dataExceptionOf(exception);
  if (refused) {
    const message = `the database cannot store a value of this request: ${refused.message}`;
    return {
      status: 400,
      body: { error: { code: ApiErrorCode.ValidationFailed, message } },
      warning: `request refused by the database: ${refused.message} (SQLSTATE ${refused.sqlState})`,
    };
  }
  return { status: 500, body: { error: INTERNAL } };
}

interface RequestLike {
  id?: unknown;
  method?: unknown;
  routeOptions?: { url?: unknown };
}

/** The request's correlation id and its route template (never the raw URL: it can hold ids and tokens). */
function requestIdOf(host: ArgumentsHost): string | undefined {
  const { id } = host.switchToHttp().getRequest<RequestLike>();
  return typeof id === 'string' ? id : undefined;
}

function routeOf(host: ArgumentsHost): string {
  const request = host.switchToHttp().getRequest<RequestLike>();
  const route = request.routeOptions?.url;
  return `${String(request.method)} ${typeof route === 'string' ? route : '(no route)'}`;
}

/** The request's trace id in the error body, when the request is traced. */
export function withTraceId(body: HttpErrorBody): HttpErrorBody {
  const ids = activeTraceIds();
  return ids ? { error: { ...body.error, traceId: ids.traceId } } : body;
}

/**
 * The one global filter of every HTTP service: every error answer, unknown routes and bad bodies included. An
 * unexpected error (a 500) is reported to Sentry.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body, warning } = toApiError(exception);
    if (warning) {
      this.logger.warn(warning);
    } else if (status === 503) {
      this.logger.warn(body.error.message);
    } else if (status >= 500) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`unhandled error: ${detail}`);
      reportException(exception, { requestId: requestIdOf(host), where: routeOf(host) });
    }
    const response: unknown = host.switchToHttp().getResponse();
    const rendered = this.render({ status, body: withTraceId(body) }, host);
    this.adapterHost.httpAdapter.reply(response, rendered.body, rendered.status);
  }

  /** The answer as sent; routes that speak another API's error dialect (the compatible API) override it. */
  protected render(
    error: Pick<HttpErrorResponse, 'status' | 'body'>,
    _host: ArgumentsHost,
  ): { status: number; body: unknown } {
    return error;
  }
}
