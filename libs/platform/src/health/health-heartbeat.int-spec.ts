import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';
import { ConfigModule } from '../config/config.module';
import { MetricsModule } from '../metrics/metrics.module';
import { QueueModule } from '../redis/queue.module';
import { heartbeatKey } from './fleet-health';
import { FleetHealth } from './fleet-health.service';
import { HealthHeartbeat } from './health-heartbeat.service';
import { HealthModule } from './health.module';

const INTERVAL_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  process.env.HEALTH_HEARTBEAT_MS = String(INTERVAL_MS);
  redis = await useTestRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

/** A service of `name` on the test Redis; with `health`, it has HealthModule's routes (as gateway and results do). */
function serviceApp(
  name: string,
  health?: Parameters<typeof HealthModule.forRoot>[0],
): Promise<INestApplicationContext> {
  const imports: DynamicModule[] = [
    ConfigModule.forValue({ REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix }),
    QueueModule.forRoot(),
    MetricsModule.forRoot({ service: name }),
    ...(health ? [HealthModule.forRoot(health)] : []),
  ];
  return NestFactory.createApplicationContext({ module: class SpecModule {}, imports }, { logger: false });
}

describe('health heartbeats in Redis', () => {
  let consumer: INestApplicationContext | undefined;
  let gateway: INestApplicationContext | undefined;

  afterEach(async () => {
    await consumer?.close();
    await gateway?.close();
  });

  it('are written at boot under the queue prefix, read back per service, renewed, and removed on shutdown', async () => {
    // Without HealthModule: OpsHealth's readiness, whose `consuming` is down in an app without queue workers.
    consumer = await serviceApp('spec-consumer');
    await consumer.init();
    gateway = await serviceApp('spec-gateway', { path: 'health', fleet: { required: ['spec-consumer'] } });
    await gateway.init();
    const instance = consumer.get(HealthHeartbeat).instance;
    const key = heartbeatKey(redis.prefix, 'spec-consumer', instance);

    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(INTERVAL_MS * 2);
    expect(ttl).toBeLessThanOrEqual(INTERVAL_MS * 3);
    const services = await gateway.get(FleetHealth).services(['spec-consumer']);
    expect(services['spec-consumer']).toEqual({
      status: 'not_ready',
      ready: 0,
      instances: [{ instance, status: 'error', checks: { redis: 'up', consuming: 'down' }, at: expect.any(String) }],
    });
    // With HealthModule the heartbeat carries its readiness (Redis; no database, no extra checks).
    expect(services['spec-gateway']).toMatchObject({
      status: 'ok',
      instances: [{ instance, status: 'ok', checks: { redis: 'up' } }],
    });

    const first = JSON.parse((await client.get(key)) ?? '{}') as { at?: string };
    await sleep(INTERVAL_MS * 2);
    const renewed = JSON.parse((await client.get(key)) ?? '{}') as { at?: string };
    expect(renewed.at).not.toBe(first.at);

    await consumer.close();
    consumer = undefined;
    expect(await client.exists(key)).toBe(0);
    // No timer left behind: nothing writes it again.
    await sleep(INTERVAL_MS * 2);
    expect(await client.exists(key)).toBe(0);
    expect((await gateway.get(FleetHealth).services(['spec-consumer']))['spec-consumer']?.status).toBe('missing');
  });
});
