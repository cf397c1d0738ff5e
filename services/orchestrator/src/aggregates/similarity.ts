/**
 * How alike two texts are, as the Jaccard index of their content words (0: nothing shared, 1: the same words).
 * The agreement aggregator clusters claims with it, and a repeated stage's `untilConverged` compares answers with
 * it, so both mean the same thing by "similar". Word sets ignore order and repetition on purpose: models restate
 * a point in a different order, and a cheap, explainable measure is enough to say "these make the same point".
 */

/**
 * Words that carry no content: with them, any two English sentences would look about 30 % alike. The list is
 * short and fixed (no stemming, no language detection) so that the measure stays predictable.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both
  but by can could did do does doing down during each few for from further had has have having he her here hers
  herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
  once only or other our ours ourselves out over own same she should so some such than that the their theirs
  them themselves then there these they this those through to too under until up very was we were what when
  where which while who whom why will with would you your yours yourself yourselves`.split(/\s+/),
);

/** Lower-cased content words of a text: punctuation becomes a separator, stop words are dropped. */
export function contentWords(text: string): Set<string> {
  const words = text
    .toLowerCase()
    // Apostrophes join ("don't" stays one word); any other non-letter, non-digit separates words.
    .replace(/['\u2019]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
  return new Set(words);
}

/**
 * Jaccard similarity of the two texts' content words. Two texts with no content words at all (empty, or stop
 * words only) count as the same, so that two empty answers are "converged" rather than infinitely apart.
 */
export function similarity(a: string, b: string): number {
  const left = contentWords(a);
  const right = contentWords(b);
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}
