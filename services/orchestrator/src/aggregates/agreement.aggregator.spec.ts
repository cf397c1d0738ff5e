import { agreement } from './agreement.aggregator';
import { ballot, unreadable } from './testing/ballot-kit';

const [alpha, beta, gamma, delta] = ['mock:alpha', 'mock:beta', 'mock:gamma', 'mock:delta'];
const review = (...claims: [string, string][]) => ({
  claims: claims.map(([claim, confidence]) => ({ claim, confidence })),
});

describe('agreement', () => {
  it('groups differently worded claims into points and grades each by who supports it how confidently', () => {
    const result = agreement({
      candidates: [alpha, beta, gamma, delta],
      ballots: [
        review(
          ['Redis keeps its data in memory.', 'high'],
          ['Persistence is optional and configurable', 'medium'],
          ['Redis is single-threaded for commands', 'low'],
        ),
        review(
          ['redis keeps the data in memory', 'HIGH'],
          ['Persistence is optional and configurable.', 'high'],
          ['Cluster mode shards keys across nodes', 'medium'],
        ),
        review(
          ['In memory: Redis keeps data', 'low'],
          ['Data lives in memory in Redis; Redis keeps it there', 'high'],
          ['Persistence is optional', 'low'],
          ['Cluster mode shards the keys over nodes', 'medium'],
        ),
      ]
        .map((data, i) => ballot([alpha, beta, gamma][i], data))
        .concat(unreadable(delta, 'no JSON object found in the answer')),
    });
    expect(result).toEqual({
      points: [
        {
          claim: 'Redis keeps its data in memory.',
          models: [alpha, beta, gamma],
          // gamma made this point twice: it counts once, at its highest confidence.
          confidence: { [alpha]: 'high', [beta]: 'high', [gamma]: 'high' },
          level: 'very_high',
        },
        {
          claim: 'Persistence is optional and configurable',
          models: [alpha, beta, gamma],
          confidence: { [alpha]: 'medium', [beta]: 'high', [gamma]: 'low' },
          level: 'high',
        },
        {
          claim: 'Cluster mode shards keys across nodes',
          models: [beta, gamma],
          confidence: { [beta]: 'medium', [gamma]: 'medium' },
          level: 'medium',
        },
        {
          claim: 'Redis is single-threaded for commands',
          models: [alpha],
          confidence: { [alpha]: 'low' },
          level: 'low',
        },
      ],
      // delta could not be read, so "every model" means the three that could.
      reviewers: 3,
      unparsed: [{ model: delta, reason: 'no JSON object found in the answer' }],
    });
  });

  it('adds a claim to the point it is most similar to, not the first similar enough', () => {
    const result = agreement({
      candidates: [alpha, beta],
      ballots: [
        ballot(alpha, review(['lighthouse harbour storm fog', 'high'], ['lighthouse harbour beacon', 'high'])),
        ballot(beta, review(['lighthouse harbour beacon storm', 'high'])),
      ],
    });
    expect(result.points.map((p) => [p.claim, p.models])).toEqual([
      ['lighthouse harbour beacon', [alpha, beta]],
      ['lighthouse harbour storm fog', [alpha]],
    ]);
  });

  it('skips unusable claims, reads an unknown confidence as medium, and reports reviews with no claim', () => {
    const result = agreement({
      candidates: [alpha, beta, gamma],
      ballots: [
        ballot(alpha, {
          claims: ['just text', { claim: '  ' }, { claim: 'Tides follow the moon', confidence: 'sure' }],
        }),
        ballot(beta, { claims: [] }),
        ballot(gamma, { answer: 'no claims here' }),
      ],
    });
    expect(result).toEqual({
      points: [{ claim: 'Tides follow the moon', models: [alpha], confidence: { [alpha]: 'medium' }, level: 'low' }],
      reviewers: 1,
      unparsed: [
        { model: beta, reason: 'its review states no claim' },
        { model: gamma, reason: 'the answer has no usable "claims" field' },
      ],
    });
  });

  it('grades a lone reviewer’s points low: one model cannot agree with itself', () => {
    const result = agreement({
      candidates: [alpha, beta],
      ballots: [ballot(alpha, review(['Tides follow the moon', 'high'])), unreadable(beta, 'timeout')],
    });
    expect(result.points).toEqual([
      { claim: 'Tides follow the moon', models: [alpha], confidence: { [alpha]: 'high' }, level: 'low' },
    ]);
  });

  it('has no points when no review can be read', () => {
    expect(agreement({ candidates: [alpha], ballots: [unreadable(alpha, 'timeout')] })).toEqual({
      points: [],
      reviewers: 0,
      unparsed: [{ model: alpha, reason: 'timeout' }],
    });
  });
});
