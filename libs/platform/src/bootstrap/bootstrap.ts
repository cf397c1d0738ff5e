import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError } from '../config/config';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/logging.module';
import { ApiErrorCode } from '@ultra/contracts';
import { ClosingTracker } from './closing-tracker';
import { closeOnSignals, isShuttingDown, shutDown } from './graceful-shutdown';
import { shutdownConfig } from './shutdown.config';
import { mediaTypeGuardOf } from '../http/media-type-guard';
import { answerClientError, answerExpectationFailed } from '../http/raw-error-responses';
import { instrumentHttp } from '../metrics/http-metrics';
import { withTraceId } from '../http/api-exception.filter';

export { shutdownEnv, type ShutdownConfig } from './shutdown.config';

/** Exit code of a configuration error (EX_CONFIG), so a supervisor does not restart a service that cannot start. */
export const CONFIG_ERROR_EXIT_CODE = 78;
/** Named in configuration errors of services started without runService (tests). */
let serviceName = 'service';

export interface HttpServiceOptions {
  port: number;
  host: string;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Called before listen, e.g. to add global filters or a prefix. */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Boots an HTTP service on Fastify. SIGTERM/SIGINT stop accepting connections, let BullMQ workers finish their
 * active jobs, close Redis and the database, then exit, within SHUTDOWN_TIMEOUT_MS (see graceful-shutdown.ts).
 */
export async function startHttpService(
  module: Type | DynamicModule,
  options: HttpServiceOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1_048_576,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // Requests that arrive while closing get our own 503 body from the hook below instead of Fastify's.
    return503OnClosing: false,
    // Errors Fastify raises before routing (a badly encoded URL, say) get the same body as every other error.
    // They run before the onRequest hooks, so the request id header is set here.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply
        .code(400)
        .header(REQUEST_ID_HEADER, request.id)
        .send(withTraceId({ error: { code: ApiErrorCode.ValidationFailed, message: error.message } }));
    },
    // Bytes the HTTP parser refuses (bad framing, 431) never become a request; they get the same shape too.
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Nest would add a form-urlencoded parser: a page on another site can post forms cross-origin without a
    // preflight. Fastify's own JSON parser stays; its text/plain one goes for the same reason.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const tracker = new ClosingTracker(app);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  // JSON only unless a route declares more (configure: mediaTypeGuardOf(fastify).allow(...)).
  mediaTypeGuardOf(fastify);
  answerExpectationFailed(app.getHttpServer());
  // Fastify waits for the requests in flight between these two hooks; one held by a dead database shows here.
  let httpClosed: (() => void) | undefined;
  fastify.addHook('preClose', (done) => {
    httpClosed = tracker.begin('HTTP server (requests in flight)');
    done();
  });
  fastify.addHook('onClose', (_instance, done) => {
    httpClosed?.();
    done();
  });
  // The correlation id (the caller's x-request-id when sane) is echoed so a caller can always quote it.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (!isShuttingDown()) return done();
    void reply
      .code(503)
      .header('connection', 'close')
      .send(
        withTraceId({
          error: { code: ApiErrorCode.ServiceUnavailable, message: 'the service is shutting down; retry' },
        }),
      );
  });
  // Request durations by route, and GET /metrics outside any global prefix and guard.
  instrumentHttp(fastify);
  closeOnSignals(app, tracker, shutdownConfig(serviceName).SHUTDOWN_TIMEOUT_MS);
  await options.configure?.(app);
  await app.listen(options.port, options.host);
  app.get(Logger).log(`service ready on ${await app.getUrl()}`, 'Bootstrap');
  return app;
}

/** Boots a queue-only service (no HTTP server), with the same logging and shutdown behaviour. */
export async function startWorkerService(module: Type): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, new ClosingTracker(app), shutdownConfig(serviceName).SHUTDOWN_TIMEOUT_MS);
  await app.init();
  app.get(Logger).log('service ready', 'Bootstrap');
  return app;
}

/**
 * Runs a service's `main`. A configuration error prints its readable list of bad variables and exits 78; any
 * other boot failure prints its cause and exits 1, so a supervisor can tell the two apart. Started by a supervisor
 * with an IPC channel (`npm start`), the service shuts down by itself when that channel closes: the supervisor died.
 */
export function runService(service: string, main: () => Promise<unknown>): void {
  serviceName = service;
  if (process.connected) {
    process.once('disconnect', () => {
      // Nobody reads this process's output any more; a write to the broken pipe must not crash the shutdown.
      process.stdout.on('error', () => undefined);
      process.stderr.on('error', () => undefined);
      shutDown('supervisor gone');
    });
  }
  Promise.resolve()
    .then(() => shutdownConfig(service))
    .then(main)
    .catch((error: unknown) => {
      if (error instanceof ConfigValidationError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(CONFIG_ERROR_EXIT_CODE);
      } else {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.stderr.write(`${service}: failed to start: ${detail}\n`);
      }
      process.exit(1);
    });
}
