import { metricsRegistry } from '@ultra/platform';
import type { AnalysisEntity } from '../analyses/analysis.entity';
import { recordAnalysisEnd } from './analysis-metrics';

const ended = (pattern: string, status = 'completed') =>
  ({
    pattern,
    status,
    createdAt: new Date(Date.now() - 3_000),
    completedAt: new Date(),
  }) as unknown as AnalysisEntity;

/** A sample as prom-client lists it; a histogram's also name their part (`…_bucket`, `…_sum`, `…_count`). */
type Sample = { labels: Partial<Record<string, string | number>>; value: number; metricName?: string };

async function series(name: string): Promise<Sample[]> {
  const metric = metricsRegistry().getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}

describe('analysis metrics', () => {
  it('counts ended analyses by pattern and status and times them', async () => {
    recordAnalysisEnd(ended('critique'));
    recordAnalysisEnd(ended('critique', 'failed'));
    const counts = await series('ultra_analyses_total');
    expect(counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { pattern: 'critique', status: 'completed' }, value: 1 }),
        expect.objectContaining({ labels: { pattern: 'critique', status: 'failed' }, value: 1 }),
      ]),
    );
    const timed = await series('ultra_analysis_duration_seconds');
    const of = (suffix: string) => timed.find((s) => s.metricName?.endsWith(suffix) && s.labels.pattern === 'critique');
    expect(of('_count')?.value).toBe(2);
    expect(of('_sum')?.value).toBeGreaterThanOrEqual(6);
  });

  it('caps the distinct pattern labels, users naming their own patterns', async () => {
    for (let i = 0; i < 100; i++) recordAnalysisEnd(ended(`user-pattern-${i}`));
    const patterns = new Set((await series('ultra_analyses_total')).map((s) => s.labels.pattern));
    expect(patterns.size).toBe(65);
    expect(patterns.has('other')).toBe(true);
  });
});
