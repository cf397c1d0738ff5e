import {
  type AggregatorInput,
  isString,
  type LabelOf,
  labelList,
  plural,
  readField,
  targetOf,
  type Unparsed,
  withUnparsed,
} from './ballots';

export type MajorityResult = {
  /** Every candidate with its votes, most first (ties in the analysis' model order). */
  tally: { model: string; votes: number }[];
  /** Most votes; on a tie the first of `tied` in model order; null when no vote counted. */
  winner: string | null;
  /** The candidates sharing the most votes when more than one does; empty otherwise. */
  tied: string[];
  unparsed: Unparsed[];
  selfVotesIgnored: number;
};

/**
 * Plurality vote: each ballot's `vote` names the answer it finds best. A vote for the voter's own answer is
 * ignored and counted (a model does not judge itself); a vote whose label names no answer is reported in
 * `unparsed` with the label, like a ballot that could not be read. A tie at the top is reported in `tied` and
 * broken by the analysis' model order, so the same ballots always pick the same winner.
 */
export function majority(input: AggregatorInput): MajorityResult {
  const candidates = new Set(input.candidates);
  const votes = new Map(input.candidates.map((key) => [key, 0]));
  const unparsed: Unparsed[] = [];
  let selfVotesIgnored = 0;
  for (const ballot of input.ballots) {
    const read = readField(ballot, 'vote', isString);
    if (!read.ok) {
      unparsed.push(read.unparsed);
      continue;
    }
    const target = targetOf(ballot, read.value, candidates);
    if (target.kind === 'self') selfVotesIgnored++;
    else if (target.kind === 'candidate') votes.set(target.key, (votes.get(target.key) ?? 0) + 1);
    else unparsed.push({ model: ballot.voter, reason: `its vote ${JSON.stringify(read.value)} names no response` });
  }
  // Array.prototype.sort is stable, so equal counts keep the candidates' model order.
  const tally = input.candidates
    .map((model) => ({ model, votes: votes.get(model) ?? 0 }))
    .sort((a, b) => b.votes - a.votes);
  const top = tally[0]?.votes ?? 0;
  const leaders = top > 0 ? tally.filter((entry) => entry.votes === top).map((entry) => entry.model) : [];
  return {
    tally,
    winner: leaders[0] ?? null,
    tied: leaders.length > 1 ? leaders : [],
    unparsed,
    selfVotesIgnored,
  };
}

/** The tally for a later prompt; unusable ballots are only counted (their reasons may name models). */
export function renderMajority(result: MajorityResult, labelOf: LabelOf): string {
  if (result.winner === null) return 'No usable vote was cast, so there is no winner.';
  const lines = result.tally.map((entry) => `- ${labelOf(entry.model)}: ${plural(entry.votes, 'vote')}`);
  const verdict =
    result.tied.length > 0
      ? `Tie between ${labelList(result.tied, labelOf)}; ${labelOf(result.winner)} is taken as the winner.`
      : `Winner: ${labelOf(result.winner)}.`;
  const notes = ['Votes for the best answer:', ...lines, verdict];
  return withUnparsed(notes, 'Votes that could not be counted', result.unparsed, labelOf);
}
