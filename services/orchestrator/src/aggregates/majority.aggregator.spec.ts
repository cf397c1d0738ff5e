import { majority } from './majority.aggregator';
import { ballot, unreadable } from './testing/ballot-kit';

const [alpha, beta, gamma, delta] = ['mock:alpha', 'mock:beta', 'mock:gamma', 'mock:delta'];

describe('majority', () => {
  it('counts loosely written votes with each voter’s own letters', () => {
    const result = majority({
      candidates: [alpha, beta, gamma, delta],
      ballots: [
        ballot(alpha, { vote: 'Response B.', reason: 'clearest' }, { A: beta, B: gamma, C: delta }),
        ballot(beta, { vote: 'c' }, { A: alpha, B: delta, C: gamma }),
        ballot(gamma, { vote: 'response a' }, { A: delta, B: alpha, C: beta }),
        ballot(delta, { vote: '**Response A**' }, { A: gamma, B: beta, C: alpha }),
      ],
    });
    expect(result).toEqual({
      tally: [
        { model: gamma, votes: 3 },
        { model: delta, votes: 1 },
        { model: alpha, votes: 0 },
        { model: beta, votes: 0 },
      ],
      winner: gamma,
      tied: [],
      unparsed: [],
      selfVotesIgnored: 0,
    });
  });

  it('reports a tie at the top and breaks it by the analysis’ model order', () => {
    const ballots = [
      ballot(alpha, { vote: 'A' }, { A: beta, B: gamma }),
      ballot(beta, { vote: 'A' }, { A: alpha, B: gamma }),
      ballot(gamma, { vote: 'B' }, { A: beta, B: alpha }),
      ballot(delta, { vote: 'A' }, { A: beta }),
    ];
    expect(majority({ candidates: [alpha, beta, gamma, delta], ballots })).toMatchObject({
      winner: alpha,
      tied: [alpha, beta],
      tally: [
        { model: alpha, votes: 2 },
        { model: beta, votes: 2 },
        { model: gamma, votes: 0 },
        { model: delta, votes: 0 },
      ],
    });
    expect(majority({ candidates: [beta, alpha, gamma, delta], ballots })).toMatchObject({
      winner: beta,
      tied: [beta, alpha],
    });
  });

  it('ignores and counts self-votes, and reports votes naming no response and unreadable ballots', () => {
    const result = majority({
      candidates: [alpha, beta, gamma],
      ballots: [
        ballot(alpha, { vote: 'Response A' }, { A: alpha, B: beta, C: gamma }),
        ballot(beta, { vote: 'Response D' }, { A: alpha, B: beta, C: gamma }),
        ballot(gamma, { vote: 'the second one' }, { A: alpha, B: beta, C: gamma }),
        ballot(delta, { reason: 'no vote field' }),
        unreadable('mock:epsilon', 'the JSON does not match the vote shape: vote: Required'),
        ballot('mock:zeta', { vote: 'B' }, { A: alpha, B: beta }),
      ],
    });
    expect(result).toEqual({
      tally: [
        { model: beta, votes: 1 },
        { model: alpha, votes: 0 },
        { model: gamma, votes: 0 },
      ],
      winner: beta,
      tied: [],
      unparsed: [
        { model: beta, reason: 'its vote "Response D" names no response' },
        { model: gamma, reason: 'its vote "the second one" names no response' },
        { model: delta, reason: 'the answer has no usable "vote" field' },
        { model: 'mock:epsilon', reason: 'the JSON does not match the vote shape: vote: Required' },
      ],
      selfVotesIgnored: 1,
    });
  });

  it('has no winner when no vote counts', () => {
    const result = majority({
      candidates: [alpha, beta],
      ballots: [unreadable(alpha, 'timeout'), ballot(beta, { vote: 'B' }, { A: alpha, B: beta })],
    });
    expect(result).toEqual({
      tally: [
        { model: alpha, votes: 0 },
        { model: beta, votes: 0 },
      ],
      winner: null,
      tied: [],
      unparsed: [{ model: alpha, reason: 'timeout' }],
      selfVotesIgnored: 1,
    });
  });

  it('lets a single voter decide', () => {
    const result = majority({ candidates: [alpha, beta], ballots: [ballot(alpha, { vote: 'A' }, { A: beta })] });
    expect(result).toMatchObject({
      winner: beta,
      tied: [],
      tally: [
        { model: beta, votes: 1 },
        { model: alpha, votes: 0 },
      ],
    });
  });
});
