import { type PatternSpec, patternSpecSchema, type StageRun } from '@ultra/contracts';
import { reusedRuns } from './reused-runs';

const generate = (id: string) => ({
  id,
  label: id,
  kind: 'generate' as const,
  participants: 'all' as const,
  prompt: { user: '{{question}}' },
});

/** answer (repeats) → rank → tally (aggregate) → check (conditional) → chair. */
const spec: PatternSpec = patternSpecSchema.parse({
  id: 'fixture',
  name: 'Fixture',
  description: 'stages of every kind',
  stages: [
    { ...generate('answer'), repeat: { times: 2 } },
    { ...generate('rank'), options: { output: { format: 'json', schema: 'ranking' } } },
    { id: 'tally', label: 'Tally', kind: 'aggregate', use: 'borda', from: 'rank' },
    {
      ...generate('check'),
      options: { output: { format: 'json', schema: 'confidence' } },
      when: { stage: 'rank', field: 'x', op: 'lt', value: 1 },
    },
    { ...generate('chair'), participants: 'ultra' },
  ],
});

const run = (index: number, stage: string, kind: StageRun['kind'] = 'generate', round = 1): StageRun => ({
  index,
  stage,
  kind,
  round,
  outputs: [],
});

/** A completed source: two answer rounds, rank, tally, check skipped by its condition, chair failed then fell back. */
const complete = [
  run(0, 'answer'),
  run(1, 'answer', 'generate', 2),
  run(2, 'rank'),
  run(3, 'tally', 'aggregate'),
  run(4, 'check', 'skipped'),
  run(5, 'chair'),
  run(6, 'chair'),
];
/** A source that failed in rank: nothing after it ran. */
const failedInRank = complete.slice(0, 3);

const indexes = (runs: StageRun[]) => runs.map((r) => r.index);

describe('reusedRuns', () => {
  it.each([
    ['the first stage: nothing is reused', complete, 'answer', []],
    ['a stage after a repeated one: every round of it', complete, 'rank', [0, 1]],
    ['an aggregate stage: the runs before it', complete, 'tally', [0, 1, 2]],
    ['a stage its condition skipped: the runs before the skipped run', complete, 'check', [0, 1, 2, 3]],
    ['a stage that fell back: before its first run only', complete, 'chair', [0, 1, 2, 3, 4]],
    ['the stage the source failed in', failedInRank, 'rank', [0, 1]],
    ['a stage never reached: every run of the stages before it', failedInRank, 'chair', [0, 1, 2]],
    ['a stage never reached, right after the failure', failedInRank, 'tally', [0, 1, 2]],
    ['runs given out of order', [...complete].reverse(), 'tally', [0, 1, 2]],
  ])('from %s', (_case, runs, fromStage, expected) => {
    expect(indexes(reusedRuns(spec, runs, fromStage))).toEqual(expected);
  });

  it('reuses the runs as they are, outputs included', () => {
    const answer: StageRun = {
      ...run(0, 'answer'),
      outputs: [{ model: 'mock:alpha', sample: 0, status: 'completed', text: 'hi', data: null }],
    };
    expect(reusedRuns(spec, [answer, run(1, 'rank')], 'rank')).toEqual([answer]);
  });

  it('refuses a stage the pattern does not have', () => {
    expect(() => reusedRuns(spec, complete, 'nope')).toThrow('stage "nope" is not a stage of pattern "fixture"');
  });
});
