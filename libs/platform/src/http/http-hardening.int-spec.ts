import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startHttpService } from '../bootstrap/bootstrap';
import { ConfigModule } from '../config/config.module';
import { LoggingModule } from '../logging/logging.module';
import { ApiExceptionFilter } from './api-exception.filter';
import { sendRawHttp } from './raw-http';

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() body: unknown): unknown {
    return { received: body };
  }

  @Get('broken')
  broken(): never {
    throw new Error('database password is hunter2 at /srv/app/secret.ts:42');
  }
}

@Module({
  imports: [ConfigModule.forValue({ LOG_LEVEL: 'silent' }), LoggingModule.forRoot('hardening-test')],
  controllers: [ThingsController],
  providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
class TestModule {}

let app: NestFastifyApplication;
let url: string;

beforeAll(async () => {
  app = await startHttpService(TestModule, { port: 0, host: '127.0.0.1', bodyLimit: 1_024 });
  url = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
});

const REQUEST_ID = /^[0-9a-f-]{36}$/;

async function post(contentType: string, body: string) {
  const response = await fetch(`${url}/things`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('startHttpService: bodies', () => {
  it('parses a JSON body', async () => {
    const answer = await post('application/json; charset=UTF-8', '{"a":1}');
    expect(answer).toMatchObject({ status: 201, body: { received: { a: 1 } } });
  });

  it.each([
    ['application/x-www-form-urlencoded', 'a=1'],
    ['text/plain', '{"a":1}'],
    ['multipart/form-data; boundary=x', '--x--'],
    ['application/json; charset=utf-16', '{"a":1}'],
  ])('refuses %s with 415 unsupported_media_type', async (contentType, body) => {
    const answer = await post(contentType, body);
    expect(answer.status).toBe(415);
    expect(answer.body).toEqual({
      error: {
        code: 'unsupported_media_type',
        message: expect.any(String),
        details: { accepted: ['application/json'] },
      },
    });
    expect(answer.headers.get('x-request-id')).toMatch(REQUEST_ID);
  });

  it('refuses a body without a Content-Type with 415', async () => {
    const answer = await sendRawHttp(
      url,
      'POST /things HTTP/1.1\r\nhost: x\r\ncontent-length: 7\r\nconnection: close\r\n\r\n{"a":1}',
    );
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('answers a body over the limit with 413 payload_too_large in the JSON shape', async () => {
    const answer = await post('application/json', JSON.stringify({ a: 'x'.repeat(2_000) }));
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });
});

describe('startHttpService: errors before routing', () => {
  it('answers bad framing with 400 JSON and a request id', async () => {
    const answer = await sendRawHttp(
      url,
      'POST /things HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'validation_failed', message: expect.any(String) } });
  });

  it('answers a request line that is not HTTP with 400 JSON', async () => {
    const answer = await sendRawHttp(url, 'HELLO\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('answers 20 KB of headers with 431 JSON and a request id', async () => {
    const answer = await sendRawHttp(
      url,
      `GET /things HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\nconnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(431);
    expect(answer.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'validation_failed', message: expect.any(String) } });
  });

  it('answers HEAD with 20 KB of headers with a 431 that has no body', async () => {
    const answer = await sendRawHttp(
      url,
      `HEAD /things HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\nconnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(431);
    expect(answer.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(answer.body).toBe('');
  });

  it('answers an Expect it cannot meet with 417 JSON and a request id', async () => {
    const answer = await sendRawHttp(
      url,
      'GET /things HTTP/1.1\r\nhost: x\r\nexpect: 200-ok\r\nconnection: close\r\n\r\n',
    );
    expect(answer.status).toBe(417);
    expect(answer.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'validation_failed', message: expect.any(String) } });
  });

  it('answers a badly encoded URL with 400 JSON and a request id', async () => {
    const response = await fetch(`${url}/things/%ZZ`);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toMatch(REQUEST_ID);
    expect(await response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('answers an unknown route and a wrong method with 404 JSON', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', '/things'],
    ] as const) {
      const response = await fetch(`${url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-request-id')).toMatch(REQUEST_ID);
      expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });
});

describe('startHttpService: a 500', () => {
  it('shows neither the message, the stack nor the framework', async () => {
    const response = await fetch(`${url}/things/broken`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(text).not.toMatch(/hunter2|secret\.ts|at |fastify|nest/i);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(REQUEST_ID);
  });
});
