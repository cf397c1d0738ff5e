import {
  type AggregatorInput,
  isStringArray,
  type LabelOf,
  plural,
  readField,
  targetOf,
  type Unparsed,
  withUnparsed,
} from './ballots';

export type BordaEntry = {
  model: string;
  points: number;
  /** Mean 1-based position among the voters that ranked it (rounded to 2 places); null when nobody did. */
  meanPosition: number | null;
  /** How many voters ranked it first. */
  votes: number;
};

export type BordaResult = {
  /** Every candidate, best first. */
  ranking: BordaEntry[];
  /** Ballots that counted (they ranked at least one other candidate). */
  voters: number;
  unparsed: Unparsed[];
  selfVotesIgnored: number;
};

/**
 * Borda count over the voters' rankings. A voter whose cleaned ranking holds n candidates gives n-1 points to its
 * first, n-2 to its second, … 0 to its last: each voter's ranking is counted as far as it goes, so a voter who
 * ranks only some answers says nothing about the rest. Cleaning drops labels naming no candidate, repeats of a
 * label (the first place counts), and the voter's own answer (counted in selfVotesIgnored: a model does not judge
 * itself). A ballot left with nothing to rank is reported in `unparsed`. Ties break by first places, then by mean
 * position (a candidate nobody ranked comes after one ranked last), then by the analysis' model order, so the
 * same ballots always give the same ranking.
 */
export function borda(input: AggregatorInput): BordaResult {
  const candidates = new Set(input.candidates);
  const tally = new Map(input.candidates.map((key) => [key, { points: 0, positions: [] as number[], votes: 0 }]));
  const unparsed: Unparsed[] = [];
  let voters = 0;
  let selfVotesIgnored = 0;
  for (const ballot of input.ballots) {
    const read = readField(ballot, 'ranking', isStringArray);
    if (!read.ok) {
      unparsed.push(read.unparsed);
      continue;
    }
    const ranked: string[] = [];
    for (const label of read.value) {
      const target = targetOf(ballot, label, candidates);
      if (target.kind === 'self') selfVotesIgnored++;
      else if (target.kind === 'candidate' && !ranked.includes(target.key)) ranked.push(target.key);
    }
    if (ranked.length === 0) {
      const labels = read.value.map((label) => JSON.stringify(label)).join(', ');
      unparsed.push({ model: ballot.voter, reason: `its ranking names no other response (${labels || 'empty'})` });
      continue;
    }
    voters++;
    ranked.forEach((key, index) => {
      const entry = tally.get(key)!;
      entry.points += ranked.length - 1 - index;
      entry.positions.push(index + 1);
      if (index === 0) entry.votes++;
    });
  }
  const ranking = input.candidates
    .map((model, order) => {
      const { points, positions, votes } = tally.get(model)!;
      const mean = positions.length ? positions.reduce((a, b) => a + b, 0) / positions.length : null;
      return { order, entry: { model, points, meanPosition: mean === null ? null : round2(mean), votes } };
    })
    .sort(
      (a, b) =>
        b.entry.points - a.entry.points ||
        b.entry.votes - a.entry.votes ||
        (a.entry.meanPosition ?? Infinity) - (b.entry.meanPosition ?? Infinity) ||
        a.order - b.order,
    )
    .map(({ entry }) => entry);
  return { ranking, voters, unparsed, selfVotesIgnored };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * The ranking as a numbered list for a later prompt. Unusable ballots are only counted: their reasons are error
 * messages that may name models, and the models reading this must see labels only.
 */
export function renderBorda(result: BordaResult, labelOf: LabelOf): string {
  if (result.voters === 0) return 'No usable ranking was given, so there is no aggregate ranking.';
  const lines = result.ranking.map((entry, i) => {
    const where = entry.meanPosition === null ? 'not ranked by anyone' : `mean position ${entry.meanPosition}`;
    const firsts = entry.votes > 0 ? `, ranked first by ${plural(entry.votes, 'voter')}` : '';
    return `${i + 1}. ${labelOf(entry.model)}: ${plural(entry.points, 'point')}, ${where}${firsts}`;
  });
  const notes = [`Aggregate ranking (Borda count over ${plural(result.voters, 'ranking')}):`, ...lines];
  return withUnparsed(notes, 'Rankings that could not be read', result.unparsed, labelOf);
}
