import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
  type Provider,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { RedisConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { REDIS } from '../redis/queue.module';
import { within } from '../util/within';
import { type Heartbeat, heartbeatIndexKey, heartbeatKey } from './fleet-health';
import { healthConfig } from './health.config';
import type { HealthReport } from './health.service';
import { OpsHealth } from './ops-health.service';

/**
 * Injection token of a service's readiness report where it has an HTTP health module (HealthModule provides it);
 * the queue consumers without one report OpsHealth's.
 */
export const SERVICE_READINESS = Symbol('SERVICE_READINESS');
export type ServiceReadiness = () => Promise<HealthReport>;

const HEARTBEAT_OPTIONS = Symbol('HEARTBEAT_OPTIONS');
interface HeartbeatOptions {
  service: string;
  intervalMs: number;
}

/** A heartbeat outlives two missed writes, so one slow beat does not make a healthy instance vanish. */
const TTL_INTERVALS = 3;
const WRITE_TIMEOUT_MS = 1_000;
/** The index only lists candidates (each key's TTL decides liveness); it goes once every instance is long gone. */
const INDEX_TTL_MS = 3_600_000;
/**
 * Nest runs the bootstrap hooks of global modules (this one's) first, so the first beat can come before the
 * service's workers start (results starts its own in a hook). Until it is ready, a booting instance reports again
 * this soon rather than an interval later.
 */
const BOOT_RECHECK_MS = 100;
const BOOT_WINDOW_MS = 30_000;

/**
 * Writes this instance's readiness to Redis every HEALTH_HEARTBEAT_MS, under the queue prefix, with a TTL of three
 * intervals; the gateway's `/api/health` reads them (FleetHealth) to tell which services have a ready instance,
 * without knowing any instance's address. Removed on shutdown, so a stopped instance is gone at once.
 */
@Injectable()
export class HealthHeartbeat implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly instance = `${hostname()}:${process.pid}`;
  private readonly logger = new Logger(HealthHeartbeat.name);
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private stopped = false;
  private failing = false;
  private booting = true;
  private readonly bootedAt = Date.now();

  constructor(
    @Inject(HEARTBEAT_OPTIONS) private readonly options: HeartbeatOptions,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: RedisConfig,
    private readonly ops: OpsHealth,
    @Optional() @Inject(SERVICE_READINESS) private readonly readiness?: ServiceReadiness,
  ) {}

  private get key(): string {
    return heartbeatKey(this.config.QUEUE_PREFIX, this.options.service, this.instance);
  }

  /** The first beat is awaited, so a service logs "service ready" only once the gateway can see it exists. */
  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A write still under way would bring the key back after the delete.
    await this.inFlight;
    const index = heartbeatIndexKey(this.config.QUEUE_PREFIX);
    await within(this.redis.multi().del(this.key).zrem(index, this.key).exec(), WRITE_TIMEOUT_MS).catch(
      () => undefined,
    );
  }

  /** Writes one heartbeat now, then schedules the next (one at a time: a slow Redis never stacks them up). */
  beat(): Promise<void> {
    this.inFlight = this.write().finally(() => {
      this.inFlight = undefined;
      if (this.stopped) return;
      this.booting &&= Date.now() - this.bootedAt < BOOT_WINDOW_MS;
      const delay = this.booting ? Math.min(BOOT_RECHECK_MS, this.options.intervalMs) : this.options.intervalMs;
      this.timer = setTimeout(() => void this.beat(), delay);
      this.timer.unref();
    });
    return this.inFlight;
  }

  private async write(): Promise<void> {
    try {
      const report = await (this.readiness ?? (() => this.ops.ready()))();
      if (report.status === 'ok') this.booting = false;
      const heartbeat: Heartbeat = {
        service: this.options.service,
        instance: this.instance,
        status: report.status,
        checks: report.checks,
        at: new Date().toISOString(),
      };
      const index = heartbeatIndexKey(this.config.QUEUE_PREFIX);
      const write = this.redis
        .multi()
        .set(this.key, JSON.stringify(heartbeat), 'PX', this.options.intervalMs * TTL_INTERVALS)
        .zadd(index, Date.now(), this.key)
        .pexpire(index, INDEX_TTL_MS)
        .exec();
      await within(write, WRITE_TIMEOUT_MS);
      if (this.failing) this.logger.log('health heartbeat written again');
      this.failing = false;
    } catch (error) {
      // Once per outage: the readiness probes and the gateway already tell the story while it lasts.
      if (!this.failing)
        this.logger.warn(`health heartbeat not written: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }
}

/** The heartbeat of `service`, for the module every service has (MetricsModule); reads HEALTH_HEARTBEAT_MS. */
export function heartbeatProviders(service: string): Provider[] {
  const options: HeartbeatOptions = { service, intervalMs: healthConfig(service).HEALTH_HEARTBEAT_MS };
  return [{ provide: HEARTBEAT_OPTIONS, useValue: options }, HealthHeartbeat];
}
