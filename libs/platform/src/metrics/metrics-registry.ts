import { Counter, Gauge, Histogram, type Registry, register } from 'prom-client';

/**
 * The process's one Registry (prom-client's global one), so code that cannot be injected (the QueueProcessor base,
 * the HTTP bootstrap) records into the same place `/metrics` reads. Each service is one process; its `service`
 * default label is set by MetricsModule.
 */
export function metricsRegistry(): Registry {
  return register;
}

/** Latency buckets in seconds, from a Redis round trip to a long model call. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/**
 * The named metric, created on first use. Getting the existing one makes every helper idempotent: Nest may build a
 * provider twice in one process (tests boot several apps), and a second registration would throw.
 */
export function counterOf<L extends string>(spec: MetricSpec<L>): Counter<L> {
  const found = register.getSingleMetric(spec.name);
  if (found) return found as Counter<L>;
  return new Counter({ ...spec, labelNames: spec.labelNames ?? [] });
}

export function histogramOf<L extends string>(spec: MetricSpec<L> & { buckets?: number[] }): Histogram<L> {
  const found = register.getSingleMetric(spec.name);
  if (found) return found as Histogram<L>;
  return new Histogram({ ...spec, labelNames: spec.labelNames ?? [], buckets: spec.buckets ?? DURATION_BUCKETS });
}

export function gaugeOf<L extends string>(spec: MetricSpec<L>): Gauge<L> {
  const found = register.getSingleMetric(spec.name);
  if (found) return found as Gauge<L>;
  return new Gauge({ ...spec, labelNames: spec.labelNames ?? [] });
}

/**
 * A gauge read when scraped (an open-connection count, say). Replaces an earlier one of the same name, so the
 * value comes from the live instance after an app was rebuilt in the same process.
 */
export function observedGauge(spec: MetricSpec<never>, read: () => number): Gauge {
  register.removeSingleMetric(spec.name);
  return new Gauge({
    ...spec,
    labelNames: [],
    collect() {
      this.set(read());
    },
  });
}

/** One series of an observed labelled gauge. */
export interface GaugeReading<L extends string> {
  labels: Record<L, string>;
  value: number;
}

/**
 * A labelled gauge whose series are all replaced at each scrape by what `read` resolves to (a series it no longer
 * returns disappears). When `read` fails or resolves to undefined the last series stay: a scrape never fails for
 * it. `read` bounds its own time. Replaces an earlier one of the same name, as observedGauge does.
 */
export function observedGaugeSeries<L extends string>(
  spec: MetricSpec<L>,
  read: () => Promise<GaugeReading<L>[] | undefined>,
): Gauge<L> {
  register.removeSingleMetric(spec.name);
  return new Gauge<L>({
    ...spec,
    labelNames: spec.labelNames ?? [],
    async collect() {
      const readings = await read().catch(() => undefined);
      if (!readings) return;
      this.reset();
      for (const { labels, value } of readings) this.set(labels, value);
    },
  });
}

/** Seconds since `startedAt` (a `performance.now()` reading). */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
