import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { type ClosingTracker } from './closing-tracker';
import { flushTelemetry } from '../telemetry/telemetry-flush';

let application: { app: INestApplicationContext; tracker: ClosingTracker; timeoutMs: number } | undefined;
let shuttingDown = false;

/** True from the first shutdown request on; HTTP services then answer new requests with 503. */
export function isShuttingDown(): boolean {
  return shuttingDown;
}

/**
 * Makes SIGTERM and SIGINT shut `app` down: stop taking work, let BullMQ workers finish the jobs they hold, close
 * connections, and exit 0 (a clean exit, so a supervisor can tell a shutdown from a crash). A second signal exits 1
 * at once; a shutdown still running after `timeoutMs` exits 1 with a log line naming what had not closed.
 */
export function closeOnSignals(app: INestApplicationContext, tracker: ClosingTracker, timeoutMs: number): void {
  application = { app, tracker, timeoutMs };
  process.on('SIGTERM', () => shutDown('SIGTERM received'));
  process.on('SIGINT', () => shutDown('SIGINT received'));
}

/** Starts the bounded shutdown (see closeOnSignals); before the application is up there is nothing to close. */
export function shutDown(reason: string): void {
  if (shuttingDown || !application) process.exit(1);
  shuttingDown = true;
  const { app, tracker, timeoutMs } = application;
  const logger = app.get(Logger);
  logger.log(`${reason}: finishing work in hand, then exiting`, 'Bootstrap');
  setTimeout(() => {
    const pending = tracker.stillClosing();
    logger.error(
      `shutdown did not finish within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway. Still closing: ` +
        (pending.length ? pending.join(', ') : 'nothing the application knows of (open handles)'),
      'Bootstrap',
    );
    process.exit(1);
  }, timeoutMs);
  // Spans and error reports still buffered go out last: the shutdown itself is traced and may fail.
  app
    .close()
    .then(() => flushTelemetry())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
}
