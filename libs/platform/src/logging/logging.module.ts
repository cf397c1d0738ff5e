import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { destination, type LevelWithSilent } from 'pino';
import { APP_CONFIG } from '../config/config.module';
import type { LogConfig } from '../config/config';
import { logMixin } from './log-context';
import { redactionOf, requestSerializer } from './log-hygiene';

export { contentPaths, redactedPaths, withoutSecretQuery } from './log-hygiene';
export { logMixin, runWithLogBindings, type LogBindings } from './log-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** Keeps a caller's `x-request-id` when it is sane, otherwise makes one; it becomes the analysis' correlation id. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The level of a request's access line: a successful read (polling, SSE, health, metrics) at debug, since at
 * production rates its line costs more than the read and says nothing new; writes and client errors at info,
 * server errors at error (pino-http's own rule for those).
 */
export function requestLogLevel(req: IncomingMessage, res: ServerResponse, error?: Error): LevelWithSilent {
  if (error || res.statusCode >= 500) return 'error';
  return res.statusCode < 400 && READS.has(req.method ?? '') ? 'debug' : 'info';
}

@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: LogConfig) => ({
            forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
            pinoHttp: [
              {
                name: service,
                level: config.LOG_LEVEL,
                base: { service, pid: process.pid },
                // Secrets always, prompts and answers unless LOG_PROMPTS=1; tokens in query strings too.
                redact: redactionOf(config),
                serializers: { req: requestSerializer },
                genReqId: (req, res) => {
                  const id = requestIdOf(req);
                  res.setHeader(REQUEST_ID_HEADER, id);
                  return id;
                },
                customProps: (req) => ({ requestId: req.id }),
                // Every line written inside a job names the job (runWithLogBindings), and inside a traced request
                // or job its trace, to find it in a trace viewer.
                mixin: logMixin,
                quietReqLogger: true,
                customLogLevel: requestLogLevel,
              },
              // Asynchronous writes keep log I/O off the hot path: lines written while one write is in flight go
              // out together. pino flushes what is buffered when the process exits.
              destination({ dest: 1, sync: false }),
            ],
          }),
        }),
      ],
    };
  }
}
