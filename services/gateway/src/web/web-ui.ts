import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WEB_ROUTES } from '@ultra/contracts';
import type { GatewayConfig } from '../config/gateway.config';

/** Hashed file names (Vite's assets/) never change content: cached for a year; index.html never. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web UI (apps/web/dist): its files as they are, and index.html for every page of WEB_ROUTES, so
 * a reloaded or bookmarked page works. Fastify routes beside Nest's: the API (/api, /v1) keeps its own 404s. No
 * build (the API alone, e.g. in tests of the API): nothing is registered and `/` is the API's 404.
 */
export async function registerWebUi(app: NestFastifyApplication, config: Pick<GatewayConfig, 'WEB_DIST_DIR'>) {
  const root = config.WEB_DIST_DIR;
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    new Logger('WebUi').warn(`no web UI at ${root} (run npm run build); the API runs without it`);
    return;
  }
  const index = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Only the files present at boot get routes: nothing shadows the API, and unknown paths stay 404s.
    wildcard: false,
    index: false,
    setHeaders: (reply, path) => {
      void reply.header('cache-control', path.includes('/assets/') ? IMMUTABLE : 'no-cache');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  for (const route of WEB_ROUTES) {
    fastify.get(route, (_request, reply) =>
      reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(index),
    );
  }
}
