import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, blockedAddressReason, CallbackUrlRefusedError, checkedLookup, hostOf } from '@ultra/platform';
import type { ResultsConfig } from '../config/results.config';
import type { WebhookAttempt } from './webhook-deliveries.repository';

const USER_AGENT = 'Ultra-Webhooks/1';

/**
 * POSTs a delivery with Node's HTTP client, so that the connection goes only to an address checked for this very
 * request: a literal IP is checked here, a hostname in the socket's `lookup` (see checkedLookup), never apart from
 * the connection it serves. Redirects are not followed (a 3xx is a failed attempt). Allow-listed hosts skip the
 * checks. Throws CallbackUrlRefusedError for a refused address; any other outcome is an attempt.
 */
@Injectable()
export class WebhookHttpClient {
  private readonly allowHosts: ReadonlySet<string>;
  private readonly timeoutMs: number;
  private readonly lookup: LookupFunction = checkedLookup();

  constructor(@Inject(APP_CONFIG) config: ResultsConfig) {
    this.allowHosts = config.WEBHOOK_ALLOW_HOSTS;
    this.timeoutMs = config.WEBHOOK_TIMEOUT_MS;
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<WebhookAttempt> {
    const target = new URL(url);
    const host = hostOf(target);
    const allowed = this.allowHosts.has(host);
    const literalRefusal = !allowed && isIP(host) ? blockedAddressReason(host) : null;
    if (literalRefusal) throw new CallbackUrlRefusedError(`host ${host} is ${literalRefusal}`);

    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<WebhookAttempt>((resolve, reject) => {
      const outgoing = send(
        target,
        {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': USER_AGENT,
          },
          // A fresh connection each time: a pooled socket would skip the lookup that checks the address.
          agent: false,
          ...(allowed ? {} : { lookup: this.lookup }),
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => resolve(this.attemptOf(response)),
      );
      outgoing.on('error', (error: Error) => {
        if (error instanceof CallbackUrlRefusedError) reject(error);
        else resolve({ status: null, error: this.describe(error) });
      });
      outgoing.end(body);
    });
  }

  /** The answer's body is not read: only its status counts. */
  private attemptOf(response: IncomingMessage): WebhookAttempt {
    response.resume();
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return { status, error: null };
    const text = response.statusMessage ? ` ${response.statusMessage}` : '';
    return { status, error: `the receiver answered HTTP ${status}${text}` };
  }

  private describe(error: Error): string {
    if (error.name === 'AbortError' || error.name === 'TimeoutError') {
      return `no answer within ${this.timeoutMs} ms`;
    }
    return `the request failed: ${error.message}`;
  }
}
