import { z } from 'zod';
import type { HealthReport } from './health.service';

/** One instance's readiness as it last reported it to Redis (HealthHeartbeat). */
export interface Heartbeat {
  service: string;
  /** `hostname:pid`: one per process, so horizontally scaled workers count separately. */
  instance: string;
  status: HealthReport['status'];
  checks: HealthReport['checks'];
  /** When the instance wrote it (ISO 8601, the instance's clock). */
  at: string;
}

/**
 * `ok`: at least one instance is ready. `not_ready`: instances report, none ready. `missing`: no instance has
 * reported within its heartbeat's lifetime. `unknown`: the heartbeats could not be read (Redis down).
 */
export type ServiceStatus = 'ok' | 'not_ready' | 'missing' | 'unknown';

export interface ServiceHealth {
  status: ServiceStatus;
  /** How many of `instances` are ready. */
  ready: number;
  instances: Omit<Heartbeat, 'service'>[];
}

/** The gateway's `GET /api/health`: its own checks, and every service of the installation as Redis knows it. */
export interface FleetHealthReport extends HealthReport {
  services: Record<string, ServiceHealth>;
}

/** Redis key of one instance's heartbeat; it expires unless the instance renews it. */
export function heartbeatKey(queuePrefix: string, service: string, instance: string): string {
  return `${queuePrefix}:health:instance:${service}:${instance}`;
}

/** Sorted set of the heartbeat keys (score: time of the last write), so a reader need not SCAN the keyspace. */
export function heartbeatIndexKey(queuePrefix: string): string {
  return `${queuePrefix}:health:instances`;
}

const heartbeatSchema = z.object({
  service: z.string().min(1),
  instance: z.string().min(1),
  status: z.enum(['ok', 'error']),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
  at: z.string(),
});

/** A heartbeat read back from Redis, or undefined when it expired or is not one (another version wrote it). */
export function parseHeartbeat(raw: string | null): Heartbeat | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = heartbeatSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function serviceHealth(beats: Heartbeat[]): ServiceHealth {
  const instances = beats
    .map(({ instance, status, checks, at }) => ({ instance, status, checks, at }))
    .sort((a, b) => a.instance.localeCompare(b.instance));
  const ready = instances.filter((i) => i.status === 'ok').length;
  const status: ServiceStatus = ready > 0 ? 'ok' : instances.length > 0 ? 'not_ready' : 'missing';
  return { status, ready, instances };
}

/**
 * Groups live heartbeats by service: the `required` services always appear (as `missing` when none reported), in
 * that order, then any other service seen (e.g. the gateways), by name.
 */
export function summarizeFleet(beats: Heartbeat[], required: readonly string[]): Record<string, ServiceHealth> {
  const seen = [...new Set(beats.map((b) => b.service))].filter((s) => !required.includes(s)).sort();
  return Object.fromEntries(
    [...required, ...seen].map((service) => [service, serviceHealth(beats.filter((b) => b.service === service))]),
  );
}

/** The `required` services when their heartbeats could not be read. */
export function unknownFleet(required: readonly string[]): Record<string, ServiceHealth> {
  return Object.fromEntries(required.map((service) => [service, { status: 'unknown', ready: 0, instances: [] }]));
}

/**
 * `ok` only when this instance's own checks pass and every `required` service has a ready instance; the other
 * services seen are listed but decide nothing (another gateway's trouble is its own load balancer's business).
 */
export function fleetReport(
  own: HealthReport,
  services: Record<string, ServiceHealth>,
  required: readonly string[],
): FleetHealthReport {
  const fleetOk = required.every((service) => services[service]?.status === 'ok');
  return { status: own.status === 'ok' && fleetOk ? 'ok' : 'error', checks: own.checks, services };
}
