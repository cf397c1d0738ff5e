import { createServer, connect, type Server, type Socket } from 'node:net';
import { breakerKey } from '@ultra/contracts';
import { APP_CONFIG, metricsRegistry, REDIS, within } from '@ultra/platform';
import { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { eventually } from '../../../../test/support/eventually';
import type { WorkerConfig } from '../config/worker.config';
import { startWorker, type WorkerHarness } from '../providers/testing/worker-test-kit';
import { BreakerService } from '../resilience/breaker.service';
import { BreakerStateMetrics, MAX_BREAKERS, SCRAPE_TIMEOUT_MS } from './breaker-state.metrics';

const COOLDOWN_MS = 1_500;

/** The series of ultra_breaker_state as a scrape of this process' /metrics reads them, `scope/id` → value. */
async function scrapeBreakers(): Promise<Record<string, number>> {
  const gauge = metricsRegistry().getSingleMetric('ultra_breaker_state');
  if (!gauge) throw new Error('ultra_breaker_state is not registered');
  const { values } = await gauge.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.scope}/${v.labels.id}`, v.value]));
}

/**
 * Scrapes until `count` breakers are reported: SCAN walks a large keyspace (a Redis shared with other tests) over
 * several scrapes, so a new breaker may take more than one to be found.
 */
function foundBreakers(count: number): Promise<Record<string, number>> {
  return eventually(`${count} breakers`, async () => {
    const series = await scrapeBreakers();
    return Object.keys(series).length >= count && series;
  });
}

/** A TCP proxy to Redis whose requests can be held back, as a Redis too slow to answer a scrape. */
async function holdingProxy(port: number): Promise<{ port: number; hold(on: boolean): void; close(): void }> {
  let held = false;
  const waiting: [Socket, Buffer][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => (held ? waiting.push([upstream, chunk]) : upstream.write(chunk)));
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    hold(on) {
      held = on;
      if (!on) for (const [upstream, chunk] of waiting.splice(0)) upstream.write(chunk);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('ultra_breaker_state, read from the breakers in Redis at scrape time', () => {
  let worker: WorkerHarness;
  let config: WorkerConfig;
  /** A second worker's breakers: its own connection, its own BreakerService, never this worker's. */
  let other: BreakerService;
  let otherClient: Redis;

  beforeAll(async () => {
    worker = await startWorker(process.env, {
      BREAKER_FAILURE_THRESHOLD: '2',
      BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
    });
    config = worker.app.get<WorkerConfig>(APP_CONFIG);
    otherClient = new Redis(worker.redis.url);
    other = new BreakerService(otherClient, config, await worker.app.resolve(PinoLogger));
  });
  afterAll(async () => {
    otherClient?.disconnect();
    await worker?.stop();
  });

  it('reports a breaker another worker opened as 2, half-open (1) once its cool-down passed, and 0 once closed', async () => {
    expect(await scrapeBreakers()).toEqual({});
    await other.record('mock:alpha', 'failure', [], 'HTTP 503');
    await other.record('mock:alpha', 'failure', [], 'HTTP 503');
    const key = breakerKey(config.QUEUE_PREFIX, 'model', 'mock:alpha');
    expect(await worker.client.hget(key, 'state')).toBe('open');

    // The provider's breaker stays closed (one failing model); its failing-models hash is no breaker.
    await foundBreakers(2);
    expect(await scrapeBreakers()).toEqual({ 'model/mock:alpha': 2, 'provider/mock': 0 });

    const reopenAt = Number(await worker.client.hget(key, 'reopenAt'));
    await eventually('the cool-down', () => Date.now() > reopenAt, { timeoutMs: COOLDOWN_MS * 3 });
    expect(await scrapeBreakers()).toEqual({ 'model/mock:alpha': 1, 'provider/mock': 0 });
    // No call went through any worker: the hash still says open.
    expect(await worker.client.hget(key, 'state')).toBe('open');

    const verdict = await other.check('mock:alpha', 10_000);
    expect(verdict).toEqual({ open: false, probes: [{ scope: 'model', id: 'mock:alpha' }] });
    expect(await scrapeBreakers()).toEqual({ 'model/mock:alpha': 1, 'provider/mock': 0 });
    await other.record('mock:alpha', 'success', verdict.open ? [] : verdict.probes);
    expect(await scrapeBreakers()).toEqual({ 'model/mock:alpha': 0, 'provider/mock': 0 });

    // A breaker whose hash is gone is no longer reported.
    await worker.client.del(key);
    expect(await scrapeBreakers()).toEqual({ 'provider/mock': 0 });
  });

  it('reads at most MAX_BREAKERS breakers per scrape', async () => {
    const pipeline = worker.client.pipeline();
    for (let i = 0; i < MAX_BREAKERS + 20; i++) {
      pipeline.hset(breakerKey(config.QUEUE_PREFIX, 'model', `mock:many-${i}`), 'state', 'closed');
    }
    await pipeline.exec();
    const series = await foundBreakers(MAX_BREAKERS);
    expect(Object.keys(series)).toHaveLength(MAX_BREAKERS);
    expect(Object.values(series).every((v) => v === 0)).toBe(true);
    const keys = await worker.client.keys(breakerKey(config.QUEUE_PREFIX, 'model', 'mock:many-*'));
    await worker.client.del(...keys);
    expect(await scrapeBreakers()).toEqual({ 'provider/mock': 0 });
  });

  it('keeps the last values, without waiting past its bound, when Redis is slow or gone', async () => {
    const proxy = await holdingProxy(Number(new URL(worker.redis.url).port || 6379));
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: 2 });
    try {
      // Replaces the app's gauge, as a rebuilt app would.
      new BreakerStateMetrics(client, config, await worker.app.resolve(PinoLogger));
      await client.ping();
      const key = breakerKey(config.QUEUE_PREFIX, 'provider', 'mock');
      await foundBreakers(1);
      expect(await scrapeBreakers()).toEqual({ 'provider/mock': 0 });

      proxy.hold(true);
      await worker.client.hset(key, 'state', 'open', 'reopenAt', Date.now() + 60_000);
      const started = Date.now();
      // Bounded here too, so a scrape that waits for Redis fails this test rather than hanging it.
      expect(await within(scrapeBreakers(), SCRAPE_TIMEOUT_MS + 2_000)).toEqual({ 'provider/mock': 0 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(SCRAPE_TIMEOUT_MS - 50);
      expect(Date.now() - started).toBeLessThan(SCRAPE_TIMEOUT_MS + 500);

      // Redis answers again: the held read completes and the next scrape is current.
      proxy.hold(false);
      await eventually('a current scrape', async () => (await scrapeBreakers())['provider/mock'] === 2);

      client.disconnect();
      expect(await scrapeBreakers()).toEqual({ 'provider/mock': 2 });
    } finally {
      client.disconnect();
      proxy.close();
      // The app's own gauge again, for any later test of this process.
      new BreakerStateMetrics(worker.app.get<Redis>(REDIS), config, await worker.app.resolve(PinoLogger));
    }
  });
});
