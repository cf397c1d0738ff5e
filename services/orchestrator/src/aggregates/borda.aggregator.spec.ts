import { borda } from './borda.aggregator';
import { ballot, unreadable } from './testing/ballot-kit';

const [alpha, beta, gamma, delta] = ['mock:alpha', 'mock:beta', 'mock:gamma', 'mock:delta'];

describe('borda', () => {
  it('counts messy rankings: loose labels, repeats and unknown labels; an unreadable reviewer is reported', () => {
    const result = borda({
      candidates: [alpha, beta, gamma, delta],
      ballots: [
        // Each voter saw the others under its own letters.
        ballot(alpha, { ranking: ['Response B.', 'a', 'response c'] }, { A: gamma, B: delta, C: beta }),
        ballot(beta, { ranking: ['C', 'Response A', 'Response C', 'B'] }, { A: alpha, B: gamma, C: delta }),
        ballot(gamma, { ranking: ['Response A', 'Response Z', 'B'] }, { A: beta, B: alpha, C: delta }),
        unreadable(delta, 'no JSON object found in the answer'),
      ],
    });
    expect(result).toEqual({
      ranking: [
        { model: delta, points: 4, meanPosition: 1, votes: 2 },
        // Three tie on one point: beta was ranked first once, so it leads; then model order.
        { model: beta, points: 1, meanPosition: 2, votes: 1 },
        { model: alpha, points: 1, meanPosition: 2, votes: 0 },
        { model: gamma, points: 1, meanPosition: 2.5, votes: 0 },
      ],
      voters: 3,
      unparsed: [{ model: delta, reason: 'no JSON object found in the answer' }],
      selfVotesIgnored: 0,
    });
  });

  it('ignores and counts self-votes; a ballot that ranks only itself is reported', () => {
    const result = borda({
      candidates: [alpha, beta, gamma],
      ballots: [
        ballot(alpha, { ranking: ['B', 'A', 'C'] }, { A: beta, B: alpha, C: gamma }),
        ballot(beta, { ranking: ['C'] }, { A: alpha, B: gamma, C: beta }),
        ballot(gamma, { ranking: ['Response C', 'Response B', 'Response A'] }, { A: gamma, B: beta, C: alpha }),
      ],
    });
    expect(result.selfVotesIgnored).toBe(3);
    expect(result.voters).toBe(2);
    expect(result.unparsed).toEqual([{ model: beta, reason: 'its ranking names no other response ("C")' }]);
    expect(result.ranking).toEqual([
      { model: alpha, points: 1, meanPosition: 1, votes: 1 },
      { model: beta, points: 1, meanPosition: 1.5, votes: 1 },
      { model: gamma, points: 0, meanPosition: 2, votes: 0 },
    ]);
  });

  it('breaks a full tie by the analysis’ model order', () => {
    const ballots = [
      ballot(alpha, { ranking: ['A', 'B'] }, { A: beta, B: gamma }),
      ballot(beta, { ranking: ['A', 'B'] }, { A: gamma, B: alpha }),
      ballot(gamma, { ranking: ['A', 'B'] }, { A: alpha, B: beta }),
    ];
    const order = (candidates: string[]) => borda({ candidates, ballots }).ranking.map((e) => e.model);
    expect(order([alpha, beta, gamma])).toEqual([alpha, beta, gamma]);
    expect(order([gamma, beta, alpha])).toEqual([gamma, beta, alpha]);
  });

  it('lists candidates nobody ranked with no points and no mean position', () => {
    const result = borda({
      candidates: [alpha, beta, gamma],
      ballots: [ballot(alpha, { ranking: ['Response B', 'Response A'] }, { A: beta, B: gamma })],
    });
    expect(result).toEqual({
      ranking: [
        { model: gamma, points: 1, meanPosition: 1, votes: 1 },
        { model: beta, points: 0, meanPosition: 2, votes: 0 },
        { model: alpha, points: 0, meanPosition: null, votes: 0 },
      ],
      voters: 1,
      unparsed: [],
      selfVotesIgnored: 0,
    });
  });

  it('reports every reviewer when none can be read, and still lists every candidate', () => {
    const result = borda({
      candidates: [alpha, beta],
      ballots: [
        unreadable(alpha, 'mock:alpha is configured to fail'),
        ballot(beta, { answer: 'I prefer A' }),
        ballot(gamma, { ranking: ['Response Q'] }, { A: alpha }),
      ],
    });
    expect(result).toEqual({
      ranking: [
        { model: alpha, points: 0, meanPosition: null, votes: 0 },
        { model: beta, points: 0, meanPosition: null, votes: 0 },
      ],
      voters: 0,
      unparsed: [
        { model: alpha, reason: 'mock:alpha is configured to fail' },
        { model: beta, reason: 'the answer has no usable "ranking" field' },
        { model: gamma, reason: 'its ranking names no other response ("Response Q")' },
      ],
      selfVotesIgnored: 0,
    });
  });

  it('ignores a label that resolves to a model outside the candidates', () => {
    const result = borda({
      candidates: [alpha, beta],
      ballots: [ballot(gamma, { ranking: ['A', 'B', 'C'] }, { A: delta, B: beta, C: alpha })],
    });
    expect(result.ranking).toEqual([
      { model: beta, points: 1, meanPosition: 1, votes: 1 },
      { model: alpha, points: 0, meanPosition: 2, votes: 0 },
    ]);
  });
});
