import { type ArgumentsHost, Logger, NotFoundException } from '@nestjs/common';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { ApiExceptionFilter } from './api-exception.filter';
import { ApiException } from './api.exception';

interface Sent {
  status: number;
  body: unknown;
}

/** What the filter answers for `exception`, through a stand-in Fastify reply. */
function answerTo(exception: unknown): Sent {
  const sent: Sent = { status: 0, body: undefined };
  const reply = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    send(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

function queryFailed(sqlState: string, message: string): QueryFailedError {
  const driverError = new DatabaseError(message, 0, 'error');
  driverError.code = sqlState;
  return new QueryFailedError('INSERT INTO analyses …', [], driverError);
}

beforeEach(() => {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('ApiExceptionFilter', () => {
  it('answers an ApiException with its status, code and details', () => {
    expect(answerTo(ApiException.validation('invalid query', [{ path: 'limit', message: 'x' }]))).toEqual({
      status: 400,
      body: {
        error: { code: 'validation_failed', message: 'invalid query', details: [{ path: 'limit', message: 'x' }] },
      },
    });
  });

  it('answers a framework 404 with not_found', () => {
    expect(answerTo(new NotFoundException('Cannot GET /x'))).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'Cannot GET /x' } },
    });
  });

  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22P05', 'unsupported Unicode escape sequence'],
    ['22001', 'value too long for type character varying(200)'],
  ])('answers a Postgres data exception (SQLSTATE %s) with 400 validation_failed', (sqlState, message) => {
    expect(answerTo(queryFailed(sqlState, message))).toEqual({
      status: 400,
      body: { error: { code: 'validation_failed', message: expect.stringContaining(message) } },
    });
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['57P01', 'terminating connection due to administrator command'],
  ])('keeps any other database failure (SQLSTATE %s) a 500 that reveals nothing', (sqlState, message) => {
    expect(answerTo(queryFailed(sqlState, message))).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'internal error' } },
    });
  });

  it('answers anything else with 500 internal_error', () => {
    expect(answerTo(new Error('boom'))).toMatchObject({ status: 500, body: { error: { code: 'internal_error' } } });
  });
});
