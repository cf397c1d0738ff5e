import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { ApiErrorCode } from '@ultra/contracts';
import { EmailTakenException } from '../auth/auth.exception';
import { ApiException, statusOfCode, ValidationFailedException } from './api-exception';
import { ApiExceptionFilter, toApiError } from './api-exception.filter';

describe('toApiError', () => {
  it.each(Object.entries(statusOfCode))('maps the domain code %s to HTTP %i', (code, status) => {
    const result = toApiError(new ApiException(code as ApiErrorCode, 'because'));
    expect(result).toEqual({ status, body: { error: { code, message: 'because' } } });
  });

  it('keeps the details of a domain exception', () => {
    const details = [{ path: 'prompt', message: 'prompt must not be empty' }];
    expect(toApiError(new ValidationFailedException('prompt must not be empty', details)).body.error).toEqual({
      code: 'validation_failed',
      message: 'prompt must not be empty',
      details,
    });
  });

  it('uses the status of a subclass too', () => {
    expect(toApiError(new EmailTakenException('a@b.c'))).toMatchObject({
      status: 409,
      body: { error: { code: 'email_taken' } },
    });
  });

  it.each([
    ['an unknown route', new NotFoundException('Cannot GET /api/x'), 404, 'not_found', 'Cannot GET /api/x'],
    [
      'malformed JSON (Fastify, mapped by Nest)',
      new HttpException('Body is not valid JSON', 400),
      400,
      'validation_failed',
      'Body is not valid JSON',
    ],
    [
      'a body too large',
      new PayloadTooLargeException('Request body is too large'),
      413,
      'payload_too_large',
      'Request body is too large',
    ],
    [
      'an unsupported media type',
      new HttpException('Unsupported Media Type', 415),
      415,
      'validation_failed',
      'Unsupported Media Type',
    ],
    [
      'a Nest 400 with a list of messages',
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
  it('replies through the HTTP adapter with the mapped status and body', () => {
    const reply = jest.fn();
    const adapterHost = { httpAdapter: { reply } } as unknown as HttpAdapterHost;
    const response = {};
    const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;

    new ApiExceptionFilter(adapterHost).catch(new ValidationFailedException('bad'), host);

    expect(reply).toHaveBeenCalledWith(response, { error: { code: 'validation_failed', message: 'bad' } }, 400);
  });
});
