/** How sure a report can be that one arm beats another, from the per-item differences of the two. */

export interface BootstrapOptions {
  /** How many resamples of the items (default 2,000). */
  resamples?: number;
  /** The PRNG's seed: fixed by default so the same records always give the same report. */
  seed?: number;
  /** The interval's coverage, 0–1 (default 0.95). */
  confidence?: number;
}

export interface BootstrapInterval {
  mean: number;
  low: number;
  high: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 0x5eed;
export const DEFAULT_CONFIDENCE = 0.95;

/** mulberry32: tiny, fast and good enough for resampling; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap of the mean of paired differences (arm − other, one per item): resample the items with
 * replacement, take each resample's mean, and read the interval off the sorted means. Pairing by item removes the
 * items' own difficulty from the noise, which is what makes small suites usable.
 */
export function pairedBootstrap(differences: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const n = differences.length;
  if (n === 0) throw new Error('pairedBootstrap needs at least one difference');
  if (differences.some((d) => !Number.isFinite(d))) throw new Error('pairedBootstrap needs finite differences');
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error('resamples must be a positive integer');
  if (!(confidence > 0 && confidence < 1)) throw new Error('confidence must be between 0 and 1');

  const mean = differences.reduce((sum, d) => sum + d, 0) / n;
  // One item (or all alike) leaves nothing to resample: every resample has the same mean.
  if (n === 1 || differences.every((d) => d === differences[0])) return { mean, low: mean, high: mean };

  const random = mulberry32(options.seed ?? DEFAULT_SEED);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(random() * n)];
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.ceil(q * resamples - 1e-9) - 1))];
  // The percentile interval almost always holds the estimate; clamping makes "contains the mean" a guarantee.
  return { mean, low: Math.min(at(tail), mean), high: Math.max(at(1 - tail), mean) };
}
