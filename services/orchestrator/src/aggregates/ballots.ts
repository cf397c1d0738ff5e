/**
 * What every aggregator reads: one ballot per output of the stage it aggregates (a ranking, a vote, a review),
 * and the candidates those ballots may name. Aggregators are pure: the orchestrator builds the ballots (with the
 * per-voter label resolution, since each model saw its peers under its own letters) and stores the result.
 */

export interface Ballot {
  /** Key of the voting model: its model id (for a sampling stage `model#n` with n > 0). */
  voter: string;
  /** The voter's parsed JSON output (already checked against the stage's output shape by the worker), or null. */
  data: Record<string, unknown> | null;
  /** Why data is null (unparseable answer, failed call). */
  error?: string | null;
  /** Maps a label the voter saw ("Response B", "B", "response b", "Response B." …) to a candidate key; undefined when unknown. */
  resolve(label: string): string | undefined;
}

export interface AggregatorInput {
  ballots: Ballot[];
  /** Candidate keys in the analysis' model order (ties break in this order). */
  candidates: string[];
}

/** A ballot the aggregate could not use, reported per model so that no reviewer is silently dropped. */
export type Unparsed = { model: string; reason: string };

/** How a model is shown to other models in rendered text ("Response B"): never its id. */
export type LabelOf = (modelKey: string) => string;

/** A ballot's field, or the reason it cannot be used. */
export type FieldRead<T> = { ok: true; value: T } | { ok: false; unparsed: Unparsed };

/**
 * Reads `field` of a ballot's data when `accept` recognises it. A ballot without data keeps the worker's reason
 * (its parse error or the failed call's message); one whose data lacks the field says which field was missing.
 */
export function readField<T>(ballot: Ballot, field: string, accept: (value: unknown) => value is T): FieldRead<T> {
  if (ballot.data === null) {
    return { ok: false, unparsed: { model: ballot.voter, reason: ballot.error ?? 'the model gave no output' } };
  }
  const value = ballot.data[field];
  if (accept(value)) return { ok: true, value };
  return { ok: false, unparsed: { model: ballot.voter, reason: `the answer has no usable "${field}" field` } };
}

/**
 * A ballot's `resolve` for a voter who saw the candidates under these letters ({A: 'mock:beta', …}). Models
 * write labels loosely, so "Response B", "B", "response b", "**Response B.**" and "`B`" all name B; anything
 * else names nothing.
 */
export function labelResolver(keysByLetter: Readonly<Record<string, string>>): (label: string) => string | undefined {
  return (label) => {
    const cleaned = label
      .trim()
      .replace(/^[\s*_`"'([]+|[\s*_`"'.,:;!)\]]+$/g, '')
      .toUpperCase();
    const letter = /^(?:RESPONSE|ANSWER)?\s*([A-Z]{1,2})$/.exec(cleaned)?.[1];
    return letter === undefined ? undefined : keysByLetter[letter];
  };
}

export type LabelTarget = { kind: 'candidate'; key: string } | { kind: 'self' } | { kind: 'unknown' };

/**
 * What a label on a ballot names. A label resolving to a key that is not a candidate (a model outside this
 * aggregate) is unknown, like one that resolves to nothing.
 */
export function targetOf(ballot: Ballot, label: string, candidates: ReadonlySet<string>): LabelTarget {
  const key = ballot.resolve(label);
  if (key === ballot.voter) return { kind: 'self' };
  return key !== undefined && candidates.has(key) ? { kind: 'candidate', key } : { kind: 'unknown' };
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Labels of several models, in a readable list: "Response A, Response C". */
export function labelList(models: readonly string[], labelOf: LabelOf): string {
  return models.map(labelOf).join(', ');
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A rendered aggregate's lines, closed by the ballots it could not use (by label: reasons may name models). */
export function withUnparsed(
  lines: string[],
  heading: string,
  unparsed: readonly Unparsed[],
  labelOf: LabelOf,
): string {
  const all =
    unparsed.length > 0
      ? [
          ...lines,
          `${heading}: ${labelList(
            unparsed.map((u) => u.model),
            labelOf,
          )}.`,
        ]
      : lines;
  return all.join('\n');
}
