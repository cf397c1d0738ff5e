import { mulberry32, pairedBootstrap } from './bootstrap.js';

/** A fixed spread of differences repeated: the same mean and spread at any n. */
const repeated = (n: number) => Array.from({ length: n }, (_, i) => [-100, 0, 0, 100, 100][i % 5]);
const width = (interval: { low: number; high: number }) => interval.high - interval.low;

describe('pairedBootstrap', () => {
  it('refuses an empty input', () => {
    expect(() => pairedBootstrap([])).toThrow(/at least one/);
  });

  it('gives a zero-width interval for one element', () => {
    expect(pairedBootstrap([12.5])).toEqual({ mean: 12.5, low: 12.5, high: 12.5 });
  });

  it('reports the sample mean inside its interval', () => {
    const differences = [0, 100, 100, -100, 0, 100, 0, 0, 100, 100, -100, 0];
    const result = pairedBootstrap(differences);
    expect(result.mean).toBeCloseTo(300 / 12, 10);
    expect(result.low).toBeLessThan(result.mean);
    expect(result.high).toBeGreaterThan(result.mean);
  });

  it('narrows as the items grow', () => {
    const small = pairedBootstrap(repeated(20));
    const large = pairedBootstrap(repeated(500));
    expect(small.mean).toBeCloseTo(large.mean, 10);
    expect(width(large)).toBeLessThan(width(small) / 3);
  });

  it('matches the normal approximation for a large sample', () => {
    const differences = repeated(400);
    const mean = differences.reduce((s, d) => s + d, 0) / differences.length;
    const sd = Math.sqrt(differences.reduce((s, d) => s + (d - mean) ** 2, 0) / differences.length);
    const expected = 2 * 1.96 * (sd / Math.sqrt(differences.length));
    expect(width(pairedBootstrap(differences))).toBeGreaterThan(expected * 0.85);
    expect(width(pairedBootstrap(differences))).toBeLessThan(expected * 1.15);
  });

  it('is reproducible with a seed, by default too, and differs with another seed', () => {
    // Spread-out values, so that two seeds' percentiles cannot coincide by landing on the same discrete mean.
    const differences = Array.from({ length: 37 }, (_, i) => Math.sin(i) * 50);
    expect(pairedBootstrap(differences, { seed: 7 })).toEqual(pairedBootstrap(differences, { seed: 7 }));
    expect(pairedBootstrap(differences)).toEqual(pairedBootstrap(differences));
    const a = pairedBootstrap(differences, { seed: 7 });
    const b = pairedBootstrap(differences, { seed: 8 });
    expect([a.low, a.high]).not.toEqual([b.low, b.high]);
  });

  it('widens with the confidence asked', () => {
    const differences = repeated(50);
    expect(width(pairedBootstrap(differences, { confidence: 0.5 }))).toBeLessThan(
      width(pairedBootstrap(differences, { confidence: 0.99 })),
    );
  });

  it('excludes 0 when every item gains, and includes it for a balanced spread', () => {
    expect(pairedBootstrap([0, 100, 100, 0, 100, 100, 100, 0, 100, 100]).low).toBeGreaterThan(0);
    const balanced = pairedBootstrap([-100, 100, -100, 100, 0, 0, -100, 100]);
    expect(balanced.low).toBeLessThan(0);
    expect(balanced.high).toBeGreaterThan(0);
  });

  it('refuses non-finite differences and bad options', () => {
    expect(() => pairedBootstrap([1, Number.NaN])).toThrow(/finite/);
    expect(() => pairedBootstrap([1, 2], { resamples: 0 })).toThrow(/resamples/);
    expect(() => pairedBootstrap([1, 2], { confidence: 1 })).toThrow(/confidence/);
  });
});

describe('mulberry32', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});
