import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiErrorCode } from '@ultra/contracts';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/logging.module';
import type { HttpErrorBody } from './api-exception';

/** What the HTTP parser refused, by Node's error code, as the caller should read it. */
function clientErrorOf(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'the request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request did not arrive in time' };
    default:
      return { status: 400, message: 'the request is not valid HTTP/1.1' };
  }
}

function errorBody(message: string): string {
  const body: HttpErrorBody = { error: { code: ApiErrorCode.ValidationFailed, message } };
  return JSON.stringify(body);
}

/**
 * Fastify's `clientErrorHandler`: the HTTP parser refused the bytes (bad framing, headers too large) before any
 * request existed, so the answer is written to the socket by hand, in the API's error shape with a fresh request id.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  // Nothing can be written to a socket the client has reset or already closed.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, message } = clientErrorOf(error.code);
  const body = errorBody(message);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${randomUUID()}`,
    'connection: close',
  ];
  // An answer to HEAD never has a body (the length still says what a GET would get), or clients misread it.
  const raw = error.rawPacket;
  const isHead = Buffer.isBuffer(raw) && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(`${head.join('\r\n')}\r\n\r\n${isHead ? '' : body}`);
}

/**
 * Node answers an `Expect` header other than `100-continue` with a bare 417 unless the server listens for
 * `checkExpectation`; this gives that 417 the API's error shape and a request id.
 */
export function answerExpectationFailed(server: Server): void {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = errorBody('only "Expect: 100-continue" is supported');
    response.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      [REQUEST_ID_HEADER]: requestIdOf(request),
      connection: 'close',
    });
    response.end(body);
  });
}
