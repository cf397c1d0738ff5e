import { ApiErrorCode } from '@ultra/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiException } from './api-exception';

export const JSON_MEDIA_TYPE = 'application/json';
const MULTIPART = 'multipart/form-data';
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UTF8 = new Set(['utf-8', 'utf8']);

/** `Application/JSON; Charset="UTF-8"` → `{ type: 'application/json', charset: 'utf-8' }`. */
export function parseMediaType(header: string): { type: string; charset?: string } {
  const [type = '', ...parameters] = header.split(';');
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(parameter)?.[1])
    .find((value) => value !== undefined);
  return { type: type.trim().toLowerCase(), ...(charset !== undefined && { charset: charset.toLowerCase() }) };
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Which body media types each route takes; every other route takes `application/json` only. Checked before the
 * body is parsed, so a form post from another site's page (a CORS "simple request") never reaches a handler, and
 * the multipart and YAML parsers only ever run on the routes that declared them.
 */
export class MediaTypeGuard {
  private readonly routes = new Map<string, readonly string[]>();

  /** `url` is the route's pattern as Fastify knows it, e.g. `/api/patterns/:id`. */
  allow(method: string, url: string, types: readonly string[]): void {
    this.routes.set(
      `${method.toUpperCase()} ${url}`,
      types.map((type) => type.toLowerCase()),
    );
  }

  /** The refusal for `request`, or null when its body (if any) may be parsed. */
  check(request: FastifyRequest): ApiException | null {
    if (!BODY_METHODS.has(request.method) || request.is404 || !hasBody(request)) return null;
    const allowed = this.routes.get(`${request.method} ${request.routeOptions.url ?? ''}`) ?? [JSON_MEDIA_TYPE];
    const header = request.headers['content-type'];
    const { type, charset } = parseMediaType(header ?? '');
    // Bodies are text in UTF-8 only: a JSON parser handed UTF-16 would read garbage, not refuse it.
    const charsetOk = type === MULTIPART || charset === undefined || UTF8.has(charset);
    if (header !== undefined && allowed.includes(type) && charsetOk) return null;
    const got = header === undefined ? 'a body without a Content-Type' : `"${header.slice(0, 100)}"`;
    const message = `this route accepts ${allowed.join(' or ')} (UTF-8) only, not ${got}`;
    return new ApiException(ApiErrorCode.UnsupportedMediaType, message, { accepted: allowed });
  }
}

const guards = new WeakMap<FastifyInstance, MediaTypeGuard>();

/** Installs the guard on a Fastify instance (once, before its routes are ready) and returns it. */
export function mediaTypeGuardOf(fastify: FastifyInstance): MediaTypeGuard {
  let guard = guards.get(fastify);
  if (!guard) {
    const created = new MediaTypeGuard();
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const refusal = created.check(request);
      if (refusal) return done(refusal);
      done(null, payload);
    });
    guards.set(fastify, created);
    guard = created;
  }
  return guard;
}
