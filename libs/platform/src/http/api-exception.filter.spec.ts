import type { ArgumentsHost } from '@nestjs/common';
import {
  BadRequestException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { ApiErrorCode } from '@ultra/contracts';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { ApiException, type HttpErrorCode, statusOfCode, ValidationFailedException } from './api-exception';
import { ApiExceptionFilter, toApiError } from './api-exception.filter';

function queryFailed(sqlState: string, message: string): QueryFailedError {
  const driverError = new DatabaseError(message, 0, 'error');
  driverError.code = sqlState;
  return new QueryFailedError('INSERT INTO analyses …', [], driverError);
}

class EmailTaken extends ApiException {
  constructor() {
    super(ApiErrorCode.EmailTaken, 'taken');
  }
}

describe('toApiError', () => {
  it.each(Object.entries(statusOfCode))('maps the code %s to HTTP %i', (code, status) => {
    const result = toApiError(new ApiException(code as HttpErrorCode, 'because'));
    expect(result).toEqual({ status, body: { error: { code, message: 'because' } } });
  });

  it('answers 503 when Postgres is unreachable or goes away mid-query: an outage, not a bug', () => {
    const cutOff = new QueryFailedError('SELECT …', [], new Error('Connection terminated unexpectedly'));
    const shuttingDown = queryFailed('57P01', 'terminating connection due to administrator command');
    for (const error of [cutOff, shuttingDown]) {
      expect(toApiError(error)).toEqual({
        status: 503,
        body: { error: { code: 'service_unavailable', message: 'the database is unavailable, try again shortly' } },
      });
    }
    expect(toApiError(queryFailed('42P01', 'relation "x" does not exist')).status).toBe(500);
  });

  it('keeps the details of an ApiException', () => {
    const details = [{ path: 'prompt', message: 'prompt must not be empty' }];
    expect(toApiError(new ValidationFailedException('prompt must not be empty', details)).body.error).toEqual({
      code: 'validation_failed',
      message: 'prompt must not be empty',
      details,
    });
  });

  it('uses the status of a subclass too', () => {
    expect(toApiError(new EmailTaken())).toMatchObject({ status: 409, body: { error: { code: 'email_taken' } } });
  });

  it.each([
    ['an unknown route', new NotFoundException('Cannot GET /api/x'), 404, 'not_found', 'Cannot GET /api/x'],
    ['a method not allowed', new HttpException('Method Not Allowed', 405), 405, 'not_found', 'Method Not Allowed'],
    [
      'malformed JSON',
      new HttpException('Body is not valid JSON', 400),
      400,
      'validation_failed',
      'Body is not valid JSON',
    ],
    ['a body too large', new PayloadTooLargeException('too large'), 413, 'payload_too_large', 'too large'],
    ['an unsupported media type', new HttpException('Unsupported', 415), 415, 'unsupported_media_type', 'Unsupported'],
    [
      'a Nest 400 with a list',
      new BadRequestException(['a is bad', 'b is bad']),
      400,
      'validation_failed',
      'a is bad; b is bad',
    ],
    ['a Nest 401', new HttpException('no', 401), 401, 'unauthorized', 'no'],
    ['a Nest 503', new HttpException('closing', 503), 503, 'service_unavailable', 'closing'],
  ])('maps %s', (_case, exception, status, code, message) => {
    expect(toApiError(exception)).toEqual({ status, body: { error: { code, message } } });
  });

  it('hides the message of a framework 5xx', () => {
    expect(toApiError(new HttpException('db password is hunter2', 500)).body.error).toEqual({
      code: 'internal_error',
      message: 'internal error',
    });
  });

  it('answers a Redis connection failure with 503 service_unavailable', () => {
    const error = new Error('Connection is closed.');
    expect(toApiError(error)).toMatchObject({ status: 503, body: { error: { code: 'service_unavailable' } } });
  });

  it('answers a Redis at maxmemory (OOM, with noeviction) with 503 service_unavailable, not 500', () => {
    const error = new Error("OOM command not allowed when used memory > 'maxmemory'. script: 1d2e, on @user_script:1.");
    expect(toApiError(error)).toMatchObject({
      status: 503,
      body: { error: { code: 'service_unavailable', message: 'Redis is out of memory, try again later' } },
    });
  });

  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22P05', 'unsupported Unicode escape sequence'],
    ['22001', 'value too long for type character varying(200)'],
  ])('answers a Postgres data exception (SQLSTATE %s) with 400 validation_failed', (sqlState, message) => {
    expect(toApiError(queryFailed(sqlState, message))).toEqual({
      status: 400,
      body: { error: { code: 'validation_failed', message: expect.stringContaining(message) } },
      warning: expect.stringContaining(`SQLSTATE ${sqlState}`),
    });
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['42P01', 'relation "user_defaults" does not exist'],
  ])('keeps any other database failure (SQLSTATE %s) a 500 that reveals nothing', (sqlState, message) => {
    expect(toApiError(queryFailed(sqlState, message))).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'internal error' } },
    });
  });

  it.each([new Error('boom'), 'a string', undefined])(
    'answers anything else (%p) with 500 internal_error',
    (thrown) => {
      expect(toApiError(thrown)).toEqual({
        status: 500,
        body: { error: { code: ApiErrorCode.Internal, message: 'internal error' } },
      });
    },
  );
});

describe('ApiExceptionFilter', () => {
  const response = {};
  const request = { id: 'req-1', method: 'GET', routeOptions: { url: '/api/things/:id' } };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
  const reply = jest.fn();
  const filter = new ApiExceptionFilter({ httpAdapter: { reply } } as unknown as HttpAdapterHost);

  beforeEach(() => reply.mockReset());
  afterEach(() => jest.restoreAllMocks());

  it('replies through the HTTP adapter with the mapped status and body', () => {
    filter.catch(new ValidationFailedException('bad'), host);
    expect(reply).toHaveBeenCalledWith(response, { error: { code: 'validation_failed', message: 'bad' } }, 400);
  });

  it('logs the cause of a 500, which the answer does not carry', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    filter.catch(new Error('db password is hunter2'), host);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('hunter2'));
    expect(reply).toHaveBeenCalledWith(response, { error: { code: 'internal_error', message: 'internal error' } }, 500);
  });

  it('logs why the database refused a value as a warning', () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    filter.catch(queryFailed('22021', 'invalid byte sequence'), host);
    expect(warned).toHaveBeenCalledWith(expect.stringContaining('SQLSTATE 22021'));
  });
});
