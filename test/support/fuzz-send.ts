import { request as httpRequest } from 'node:http';
import type { FuzzRequest } from './fuzz-requests';

export interface FuzzAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The client's parser refused what came after the answer (e.g. a body on an answer to HEAD). */
  invalidHttp?: string;
}

/**
 * Sends one request with node:http (fetch refuses some of these headers) on a connection of its own, so a bad answer
 * is blamed on the request that caused it; settles once the connection has closed, so that bytes sent after the
 * answer are seen too. An event stream is read no further.
 */
export function send(baseUrl: string, fuzz: FuzzRequest): Promise<FuzzAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answer: FuzzAnswer | undefined;
    let failure: (Error & { code?: string }) | undefined;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: fuzz.method,
        path: fuzz.path,
        // Node frames a DELETE or OPTIONS body only when told its length; unframed, it would read as a next request.
        headers: fuzz.body ? { ...fuzz.headers, 'content-length': String(fuzz.body.length) } : fuzz.headers,
        agent: false,
        timeout: 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const done = () => {
          answer = { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
        };
        if (String(res.headers['content-type']).includes('text/event-stream')) {
          done();
          req.destroy();
          return;
        }
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', (error) => (failure ??= error));
    req.on('close', () => {
      if (!answer) return reject(failure ?? new Error('the connection closed without an answer'));
      // A server refusing a body over its limit answers and closes while the rest is on its way: the client's write
      // then fails (EPIPE/ECONNRESET) after the answer, which is fine. A parse error is not.
      if (failure?.code?.startsWith('HPE_')) answer.invalidHttp = failure.message;
      resolve(answer);
    });
    req.end(fuzz.body);
  });
}
