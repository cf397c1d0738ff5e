import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestLogLevel } from './logging.module';

const req = (method: string) => ({ method }) as IncomingMessage;
const res = (statusCode: number) => ({ statusCode }) as ServerResponse;

describe('requestLogLevel: the level of an access line', () => {
  it.each(['GET', 'HEAD', 'OPTIONS'])('puts a successful %s at debug (polling, SSE, health)', (method) => {
    expect(requestLogLevel(req(method), res(200))).toBe('debug');
    expect(requestLogLevel(req(method), res(304))).toBe('debug');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('keeps a successful %s at info', (method) => {
    expect(requestLogLevel(req(method), res(201))).toBe('info');
  });

  it('keeps a client error at info, whatever the method', () => {
    expect(requestLogLevel(req('GET'), res(404))).toBe('info');
    expect(requestLogLevel(req('POST'), res(400))).toBe('info');
  });

  it('logs a server error, or a request that threw, at error', () => {
    expect(requestLogLevel(req('GET'), res(503))).toBe('error');
    expect(requestLogLevel(req('GET'), res(200), new Error('socket hang up'))).toBe('error');
  });
});
