import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';

/** Where a request came from, as the audit log records it. */
export interface AuditOrigin {
  ip: string | null;
  userAgent: string | null;
}

const USER_AGENT_MAX = 512;

const storage = new AsyncLocalStorage<AuditOrigin>();

export function originOf(request: Pick<IncomingMessage, 'headers' | 'socket'> & { ip?: string }): AuditOrigin {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip ?? request.socket.remoteAddress ?? null,
    userAgent: typeof agent === 'string' ? agent.slice(0, USER_AGENT_MAX) : null,
  };
}

/** The origin of the request being handled, if any (a CLI or a job has none). */
export function currentOrigin(): AuditOrigin | undefined {
  return storage.getStore();
}

/**
 * Keeps the request's origin for the rest of its handling, so a service deep in a flow (sign-in) records an event
 * with the caller's address without every method passing the request along.
 */
@Injectable()
export class AuditContextMiddleware implements NestMiddleware {
  use(request: IncomingMessage, _response: unknown, next: () => void): void {
    storage.run(originOf(request), next);
  }
}
