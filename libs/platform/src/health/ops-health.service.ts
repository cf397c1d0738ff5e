import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { QueueProcessor } from '../redis/queue-processor';
import { type HealthCheck, type HealthReport, HealthService } from './health.service';

export const LIVE_PATH = '/health/live';
export const READY_PATH = '/health/ready';

/** The BullMQ worker of a processor, or none before Nest has created it (WorkerHost's getter throws until then). */
function workerOf(processor: QueueProcessor): Worker | undefined {
  try {
    return processor.worker;
  } catch {
    return undefined;
  }
}

/**
 * Whether every QueueProcessor of the app has a worker that runs, is not paused and is not closing; false when it
 * has none (a consumer without workers consumes nothing).
 */
export function workersConsuming(discovery: DiscoveryService): boolean {
  const workers = discovery
    .getProviders()
    .map((wrapper): unknown => wrapper.instance)
    .filter((instance): instance is QueueProcessor => instance instanceof QueueProcessor)
    .map(workerOf);
  return (
    workers.length > 0 &&
    workers.every((w) => w !== undefined && w.isRunning() && !w.isPaused() && w.closing === undefined)
  );
}

/** The `consuming` readiness check: rejects while workersConsuming is false. */
export function consumingCheck(discovery: DiscoveryService): HealthCheck {
  return () => (workersConsuming(discovery) ? Promise.resolve() : Promise.reject(new Error('not consuming')));
}

/**
 * Liveness and readiness of a queue consumer (orchestrator, provider-worker), served on its ops port next to
 * `/metrics`. Ready means Redis and the database (where there is one) answer, as HealthService checks them, and the
 * app's workers consume (workersConsuming): an instance that stopped taking jobs is not ready while Redis is fine.
 */
@Injectable()
export class OpsHealth {
  constructor(
    private readonly health: HealthService,
    private readonly discovery: DiscoveryService,
  ) {}

  ready(): Promise<HealthReport> {
    return this.health.report({ consuming: consumingCheck(this.discovery) });
  }

  /**
   * Answers `GET /health/live` (200 while the process answers; consults nothing, so an outage never gets it
   * restarted) and `GET /health/ready` (200, or 503 with the failing checks). False when the path is neither.
   */
  handle(path: string, response: ServerResponse): boolean {
    if (path === LIVE_PATH) {
      json(response, 200, { status: 'ok' });
      return true;
    }
    if (path !== READY_PATH) return false;
    this.ready().then(
      (report) => json(response, report.status === 'ok' ? 200 : 503, report),
      () => json(response, 503, { status: 'error', checks: {} }),
    );
    return true;
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
