import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ApiErrorCode } from '@ultra/contracts';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { ApiException, type ResultsErrorCode } from './api.exception';

interface ErrorBody {
  error: { code: ResultsErrorCode; message: string; details?: unknown };
}

/** Codes for errors raised by Nest or Fastify themselves (unknown route, unparsable body, body too large). */
function codeForStatus(status: HttpStatus): ResultsErrorCode {
  if (status === HttpStatus.NOT_FOUND) return ApiErrorCode.NotFound;
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return ApiErrorCode.PayloadTooLarge;
  if (status === HttpStatus.SERVICE_UNAVAILABLE) return ApiErrorCode.ServiceUnavailable;
  if (status >= HttpStatus.INTERNAL_SERVER_ERROR) return ApiErrorCode.Internal;
  return ApiErrorCode.ValidationFailed;
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

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const { message } = response;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.map(String).join('; ');
  }
  return exception.message;
}

/** The only place that turns exceptions into responses, so every error has the same shape. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toResponse(exception);
    void reply.status(status).send(body);
  }

  private toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof ApiException) {
      const error: ErrorBody['error'] = { code: exception.code, message: exception.message };
      if (exception.details !== undefined) error.details = exception.details;
      return [exception.status, { error }];
    }
    if (exception instanceof HttpException) {
      const status: HttpStatus = exception.getStatus();
      return [status, { error: { code: codeForStatus(status), message: messageOf(exception) } }];
    }
    const dataException = dataExceptionOf(exception);
    if (dataException) {
      this.logger.warn(
        `request refused by the database: ${dataException.message} (SQLSTATE ${dataException.sqlState})`,
      );
      const message = `the database cannot store a value of this request: ${dataException.message}`;
      return [HttpStatus.BAD_REQUEST, { error: { code: ApiErrorCode.ValidationFailed, message } }];
    }
    const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error(`unhandled error: ${detail}`);
    return [HttpStatus.INTERNAL_SERVER_ERROR, { error: { code: ApiErrorCode.Internal, message: 'internal error' } }];
  }
}
