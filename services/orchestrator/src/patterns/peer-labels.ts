import { createHash } from 'node:crypto';
import { labelResolver } from '../aggregates/aggregators';

/**
 * Peers' answers are shown as "Response A, B, …" so that models judge content, not brand. Each viewing model gets
 * its own order (position bias does not favour one model across reviewers) that is stable for the analysis: the
 * same viewer sees the same letters in every section of a prompt and on every re-render, and an aggregate can map
 * a reviewer's letters back to models by computing them again.
 */
export class PeerLabels {
  private readonly byKey = new Map<string, string>();
  /**
   * The key behind a label as a model wrote it: "Response B", "B", "response b.", "**Response B**"; undefined
   * when it names no response this viewer was shown.
   */
  readonly resolve: (label: string) => string | undefined;

  constructor(analysisId: string, viewer: string, keys: Iterable<string>) {
    const rank = (key: string) => createHash('sha256').update(`${analysisId}\u0000${viewer}\u0000${key}`).digest('hex');
    const ordered = [...new Set(keys)].map((key) => ({ key, rank: rank(key) }));
    ordered.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    const byLetter: Record<string, string> = {};
    ordered.forEach(({ key }, i) => {
      const letter = letterOf(i);
      this.byKey.set(key, letter);
      byLetter[letter] = key;
    });
    this.resolve = labelResolver(byLetter);
  }

  /** "B" for a key shown to this viewer. */
  letterOf(key: string): string | undefined {
    return this.byKey.get(key);
  }
}

/** A…Z, then AA, AB, … (more peers than letters only with many samples). */
function letterOf(i: number): string {
  const a = 'A'.charCodeAt(0);
  return i < 26 ? String.fromCharCode(a + i) : letterOf(Math.floor(i / 26) - 1) + String.fromCharCode(a + (i % 26));
}
