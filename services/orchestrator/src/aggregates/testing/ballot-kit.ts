import { type Ballot, labelResolver } from '../ballots';

/**
 * Ballots for aggregator tests. Each voter saw the other candidates under its own letters, as in a real stage
 * (letters are per viewer), so tests also prove that a label is resolved with the voter's own letters.
 */
export function ballot(
  voter: string,
  data: Record<string, unknown> | null,
  letters: Record<string, string> = {},
  error?: string,
): Ballot {
  return { voter, data, error, resolve: labelResolver(letters) };
}

/** A failed or unparseable output: no data, only the worker's reason. */
export function unreadable(voter: string, error: string): Ballot {
  return ballot(voter, null, {}, error);
}
