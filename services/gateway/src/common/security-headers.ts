import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { DOCS_PATH } from '../openapi/api-docs';

/** Headers a browser script may read from a cross-origin answer: ids to quote, limits and retries, replays. */
export const EXPOSED_HEADERS = [
  REQUEST_ID_HEADER,
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
  'Retry-After',
  'Idempotent-Replayed',
  'Location',
];

/** For the web UI: its own scripts and styles only, and SSE/fetch to this origin. */
const API_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Swagger UI writes inline scripts and styles, so only its pages get them. */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers on every answer (errors included) and the CORS allow-list of CORS_ORIGINS. */
export async function registerSecurityHeaders(
  app: NestFastifyApplication,
  config: Pick<GatewayConfig, 'CORS_ORIGINS' | 'HSTS_MAX_AGE_S'>,
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    // HSTS only means something over TLS; where TLS ends is the operator's to say.
    strictTransportSecurity:
      config.HSTS_MAX_AGE_S > 0 ? { maxAge: config.HSTS_MAX_AGE_S, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) void reply.header('content-security-policy', DOCS_CSP);
    done(null, payload);
  });
  if (config.CORS_ORIGINS.length === 0) return;
  await app.register(cors, {
    origin: config.CORS_ORIGINS.includes('*') ? '*' : config.CORS_ORIGINS,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'x-api-key',
      REQUEST_ID_HEADER,
      'last-event-id',
    ],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
