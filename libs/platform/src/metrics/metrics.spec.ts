import { createServer } from 'node:net';
import { metricsEnv } from './metrics.config';
import { MetricsServer } from './metrics.module';
import { counterOf, type GaugeReading, metricsRegistry, observedGaugeSeries } from './metrics-registry';
import { z } from 'zod';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('metrics', () => {
  it('gives the same metric to every caller of a name, so a rebuilt provider does not throw', () => {
    const spec = { name: 'spec_things_total', help: 'things', labelNames: ['kind'] as const };
    const first = counterOf(spec);
    expect(counterOf(spec)).toBe(first);
    first.inc({ kind: 'a' });
    expect(metricsRegistry().getSingleMetric('spec_things_total')).toBe(first);
  });

  it('replaces an observed gauge’s series at each scrape, and keeps them when its read fails', async () => {
    let next: () => Promise<GaugeReading<'kind'>[] | undefined> = () =>
      Promise.resolve([{ labels: { kind: 'a' }, value: 2 }]);
    const spec = { name: 'spec_observed_things', help: 'things', labelNames: ['kind'] as const };
    const gauge = observedGaugeSeries(spec, () => next());
    const values = async () => (await gauge.get()).values.map((v) => [v.labels.kind, v.value]);
    expect(await values()).toEqual([['a', 2]]);
    next = () => Promise.resolve([{ labels: { kind: 'b' }, value: 1 }]);
    expect(await values()).toEqual([['b', 1]]);
    next = () => Promise.reject(new Error('Redis is gone'));
    expect(await values()).toEqual([['b', 1]]);
    next = () => Promise.resolve(undefined);
    expect(await values()).toEqual([['b', 1]]);
    expect(metricsRegistry().getSingleMetric('spec_observed_things')).toBe(gauge);
  });

  it('serves GET /metrics on its own port, 404 elsewhere, and refuses a taken port', async () => {
    const port = await freePort();
    const server = new MetricsServer({ service: 'spec', port, host: '127.0.0.1' });
    await server.onApplicationBootstrap();
    try {
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await metrics.text()).toContain('spec_things_total');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      const second = new MetricsServer({ service: 'spec', port, host: '127.0.0.1' });
      await expect(second.onApplicationBootstrap()).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await server.beforeApplicationShutdown();
    }
  });

  it('has no server without a port (the default)', async () => {
    const config = z.object(metricsEnv).parse({});
    expect(config.METRICS_PORT).toBe(0);
    const server = new MetricsServer({ service: 'spec', port: config.METRICS_PORT });
    await server.onApplicationBootstrap();
    await server.beforeApplicationShutdown();
  });
});
