import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { getQueueToken } from '@nestjs/bullmq';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Gauge } from 'prom-client';
import { heartbeatProviders } from '../health/health-heartbeat.service';
import { HealthService } from '../health/health.service';
import { OpsHealth } from '../health/ops-health.service';
import { METRICS_PATH, metricsText } from './http-metrics';
import { metricsRegistry } from './metrics-registry';

export interface MetricsOptions {
  /** The `service` label of every series. */
  service: string;
  /** The queues this service consumes, whose depth is read at each scrape (each must be registered with BullModule). */
  queues?: string[];
  /**
   * The service's ops port, for services without an HTTP API: `/metrics`, `/health/live` and `/health/ready` on a
   * port of their own. 0 or absent: none.
   */
  port?: number;
  host?: string;
}

const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
let defaultsCollected = false;

/** Job counts of the consumed queues, read from Redis when scraped rather than polled. */
@Injectable()
export class QueueDepthCollector implements OnModuleInit {
  constructor(
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const names = this.options.queues ?? [];
    if (names.length === 0) return;
    const queues = names.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    // Replaced rather than reused: its collect hook must read the queues of the live app.
    metricsRegistry().removeSingleMetric('bullmq_queue_jobs');
    new Gauge({
      name: 'bullmq_queue_jobs',
      help: 'Jobs in a queue by state (waiting, active, delayed, failed), read when scraped.',
      labelNames: ['queue', 'state'] as const,
      async collect() {
        await Promise.all(
          queues.map(async (queue) => {
            // Redis down: the scrape still answers, without this queue's series.
            const counts = await queue.getJobCounts(...QUEUE_STATES).catch(() => undefined);
            if (!counts) return;
            for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }
}

/**
 * The ops port of the services that have no HTTP API: `GET /metrics`, and the health probes when given OpsHealth
 * (MetricsModule always does).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
    @Optional() private readonly health?: OpsHealth,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.port) return;
    const server = createServer((request, response) => {
      const path = request.url?.split('?')[0] ?? '';
      if (request.method === 'GET' && this.health?.handle(path, response)) return;
      if (request.method !== 'GET' || path !== METRICS_PATH) {
        response.writeHead(404).end();
        return;
      }
      metricsText().then(
        ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
        () => response.writeHead(500).end(),
      );
    });
    server.listen(this.options.port, this.options.host ?? '0.0.0.0');
    // A taken port fails the boot, like the HTTP services' own port (once() rejects on 'error').
    await once(server, 'listening');
    this.server = server;
    this.logger.log(`metrics on http://${this.options.host ?? '0.0.0.0'}:${this.options.port}${METRICS_PATH}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Prometheus metrics of one service: the process's registry with the `service` label, Node's defaults (event-loop
 * lag, heap, RSS, …), queue depths, and an ops server (`/metrics`, `/health/live`, `/health/ready`) when given a port. The HTTP services serve `/metrics`
 * on their own port instead (startHttpService).
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions): DynamicModule {
    const registry = metricsRegistry();
    registry.setDefaultLabels({ service: options.service });
    if (!defaultsCollected) {
      collectDefaultMetrics({ register: registry });
      defaultsCollected = true;
    }
    // The probes need the REDIS client (QueueModule) and find the app's workers. Every service writes its
    // readiness to Redis (HealthHeartbeat: HealthModule's where it has one, else OpsHealth's); an ops port serves it too.
    const probes = [HealthService, OpsHealth, ...heartbeatProviders(options.service)];
    return {
      module: MetricsModule,
      imports: [DiscoveryModule],
      providers: [{ provide: METRICS_OPTIONS, useValue: options }, QueueDepthCollector, MetricsServer, ...probes],
    };
  }
}
