import { aggregatorNames } from '@ultra/contracts';
import { labelResolver, renderAggregate, runAggregator } from './aggregators';
import { ballot, unreadable } from './testing/ballot-kit';

const [alpha, beta, gamma] = ['mock:alpha', 'mock:beta', 'mock:gamma'];
const labels: Record<string, string> = { [alpha]: 'Response A', [beta]: 'Response B', [gamma]: 'Response C' };
const labelOf = (model: string) => labels[model];

describe('labelResolver', () => {
  const resolve = labelResolver({ A: alpha, B: beta });

  it.each(['Response B', 'B', 'response b', 'Response B.', '**Response B**', '`B`', '"b",', 'ResponseB', 'Answer B'])(
    'reads %j as B',
    (label) => expect(resolve(label)).toBe(beta),
  );

  it.each(['Response C', 'Response B is best', 'the second', '', 'Response'])('reads %j as no response', (label) =>
    expect(resolve(label)).toBeUndefined(),
  );
});

describe('runAggregator', () => {
  const input = {
    candidates: [alpha, beta, gamma],
    ballots: [
      ballot(
        alpha,
        { ranking: ['A', 'B'], vote: 'A', claims: [{ claim: 'Tides follow the moon', confidence: 'high' }] },
        { A: gamma, B: beta },
      ),
      ballot(
        beta,
        { ranking: ['B', 'A'], vote: 'B', claims: [{ claim: 'The moon drives the tides', confidence: 'high' }] },
        { A: alpha, B: gamma },
      ),
    ],
  };

  it('runs the aggregator the stage names', () => {
    expect(runAggregator('borda', input)).toMatchObject({ ranking: [{ model: gamma, points: 2, votes: 2 }, {}, {}] });
    expect(runAggregator('majority', input)).toMatchObject({ winner: gamma, tied: [] });
    expect(runAggregator('agreement', input)).toMatchObject({
      points: [{ models: [alpha, beta], level: 'very_high' }],
    });
  });

  it.each(aggregatorNames)('renders a %s result with labels only, never model ids', (name) => {
    const text = renderAggregate(
      name,
      runAggregator(name, { ...input, ballots: [...input.ballots, unreadable(gamma, 'mock:gamma failed')] }),
      labelOf,
    );
    expect(text).toContain('Response C');
    expect(text).not.toContain('mock:');
  });
});

describe('renderAggregate', () => {
  it('renders a Borda ranking as a numbered list', () => {
    const result = runAggregator('borda', {
      candidates: [alpha, beta, gamma],
      ballots: [
        ballot(alpha, { ranking: ['Response A', 'Response B'] }, { A: gamma, B: beta }),
        ballot(beta, { ranking: ['Response A'] }, { A: gamma }),
        unreadable(gamma, 'timeout'),
      ],
    });
    expect(renderAggregate('borda', result, labelOf)).toBe(
      [
        'Aggregate ranking (Borda count over 2 rankings):',
        '1. Response C: 1 point, mean position 1, ranked first by 2 voters',
        '2. Response B: 0 points, mean position 2',
        '3. Response A: 0 points, not ranked by anyone',
        'Rankings that could not be read: Response C.',
      ].join('\n'),
    );
  });

  it('renders a vote with its tie, and says when nobody voted', () => {
    const tie = runAggregator('majority', {
      candidates: [alpha, beta],
      ballots: [ballot(alpha, { vote: 'A' }, { A: beta }), ballot(beta, { vote: 'A' }, { A: alpha })],
    });
    expect(renderAggregate('majority', tie, labelOf)).toBe(
      [
        'Votes for the best answer:',
        '- Response A: 1 vote',
        '- Response B: 1 vote',
        'Tie between Response A, Response B; Response A is taken as the winner.',
      ].join('\n'),
    );
    const none = runAggregator('majority', { candidates: [alpha], ballots: [unreadable(alpha, 'timeout')] });
    expect(renderAggregate('majority', none, labelOf)).toBe('No usable vote was cast, so there is no winner.');
  });

  it('renders points of agreement with their level and supporters', () => {
    const result = runAggregator('agreement', {
      candidates: [alpha, beta],
      ballots: [
        ballot(alpha, {
          claims: [
            { claim: 'Tides follow the moon', confidence: 'high' },
            { claim: 'Winds matter', confidence: 'low' },
          ],
        }),
        ballot(beta, { claims: [{ claim: 'tides follow the Moon.', confidence: 'medium' }] }),
      ],
    });
    expect(renderAggregate('agreement', result, labelOf)).toBe(
      [
        'Points across 2 reviews, strongest agreement first:',
        '- [high agreement] Tides follow the moon (Response A, Response B)',
        '- [low agreement] Winds matter (Response A)',
      ].join('\n'),
    );
  });
});
