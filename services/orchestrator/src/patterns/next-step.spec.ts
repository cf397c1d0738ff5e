import type { PatternSpecInput, StageRun } from '@ultra/contracts';
import { aggregate, MODELS, run, stateOf } from '../testing/pattern-state';
import { nextStep, type Step } from './next-step';

const [alpha, beta, gamma] = MODELS;
const flags = { cancelled: false, now: 1_000, deadlineAt: 10_000 };
const gen = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: id,
  kind: 'generate' as const,
  participants: 'all' as const,
  prompt: { user: '{{question}}' },
  ...extra,
});

const fourStage: PatternSpecInput = {
  id: 'four',
  name: 'Four',
  description: 'd',
  stages: [gen('initial'), gen('meta'), gen('hyper'), gen('ultra', { participants: 'ultra' })],
};
const council: PatternSpecInput = {
  id: 'council',
  name: 'Council',
  description: 'd',
  stages: [
    gen('answer'),
    gen('rank', { options: { output: { format: 'json', schema: 'ranking' } } }),
    { id: 'tally', label: 'tally', kind: 'aggregate', use: 'borda', from: 'rank' },
    gen('finalists', { participants: { top: { from: 'tally', k: 2 } } }),
    gen('chair', { participants: 'ultra' }),
  ],
};
const debate: PatternSpecInput = {
  id: 'debate',
  name: 'Debate',
  description: 'd',
  params: { rounds: { type: 'integer', default: 3, min: 0, max: 5 } },
  stages: [
    gen('open'),
    gen('debate', { repeat: { times: '$rounds', untilConverged: { similarity: 0.9 } } }),
    gen('judge', { participants: 'ultra' }),
  ],
};
const selfMoa: PatternSpecInput = {
  id: 'self',
  name: 'Self',
  description: 'd',
  params: { samples: { type: 'integer', default: 3, min: 2, max: 8 } },
  stages: [
    gen('samples', {
      participants: { sample: { model: 'ultra', n: '$samples' } },
      options: { temperature: { min: 0.2, max: 1 } },
    }),
    gen('merge', { participants: 'ultra' }),
  ],
};
const cascade: PatternSpecInput = {
  id: 'cascade',
  name: 'Cascade',
  description: 'd',
  params: { threshold: { type: 'number', default: 0.7, min: 0, max: 1 } },
  stages: [
    gen('first', { participants: 'ultra', options: { output: { format: 'json', schema: 'confidence' } } }),
    gen('panel', { when: { stage: 'first', field: 'confidence', op: 'lt', value: '$threshold' } }),
    gen('synth', {
      participants: 'ultra',
      when: { stage: 'first', field: 'confidence', op: 'lt', value: '$threshold' },
    }),
  ],
  result: { from: ['synth', 'first'] },
};
const lenient: PatternSpecInput = {
  ...fourStage,
  id: 'lenient',
  stages: [gen('initial'), gen('meta', { failure: { carryForward: true } }), gen('ultra', { participants: 'ultra' })],
  failure: { quorum: 2 },
};

type Expect = Partial<Step> | ((step: Step) => void);
const launch =
  (stage: string, models: string[], round = 1) =>
  (step: Step) => {
    expect(step).toMatchObject({ kind: 'launch', stage: { id: stage }, round });
    if (step.kind === 'launch') expect(step.calls.map((c) => c.model)).toEqual(models);
  };
const finishFailed = (code: string) =>
  ({ kind: 'finish', outcome: { status: 'failed', error: { code } } }) as Partial<Step>;
const finishWith = (stage: string, model: string) =>
  ({ kind: 'finish', outcome: { status: 'completed', result: { stage, model } } }) as Partial<Step>;
const similar = (model: string, stage: string) => ({
  model,
  text: `tides come from the moon ${stage === 'x' ? '' : ''}`,
});

const table: [string, PatternSpecInput, StageRun[], Expect, Parameters<typeof stateOf>[2]?, typeof flags?][] = [
  ['starts with every model', fourStage, [], launch('initial', MODELS)],
  [
    'moves on with the models that completed',
    fourStage,
    [run(0, 'initial', [alpha, `!${beta}`, gamma])],
    launch('meta', [alpha, gamma]),
  ],
  [
    'a dropped model stays out of later stages',
    fourStage,
    [run(0, 'initial', [alpha, `!${beta}`, gamma]), run(1, 'meta', [alpha, gamma])],
    launch('hyper', [alpha, gamma]),
  ],
  [
    'the ultra stage runs the ultra model',
    fourStage,
    [run(0, 'initial', MODELS), run(1, 'meta', MODELS), run(2, 'hyper', MODELS)],
    launch('ultra', [alpha]),
  ],
  [
    'a dropped ultra model hands over to the first survivor',
    fourStage,
    [run(0, 'initial', [`!${alpha}`, beta, gamma]), run(1, 'meta', [beta, gamma]), run(2, 'hyper', [beta, gamma])],
    launch('ultra', [beta]),
  ],
  [
    'the synthesis answers',
    fourStage,
    [run(0, 'initial', MODELS), run(1, 'meta', MODELS), run(2, 'hyper', MODELS), run(3, 'ultra', [alpha])],
    finishWith('ultra', alpha),
  ],
  [
    'a failed synthesis falls back to the next survivor',
    fourStage,
    [run(0, 'initial', MODELS), run(1, 'meta', MODELS), run(2, 'hyper', MODELS), run(3, 'ultra', [`!${alpha}`])],
    launch('ultra', [beta]),
  ],
  [
    'the fallback answers in the same round',
    fourStage,
    [
      run(0, 'initial', MODELS),
      run(1, 'meta', MODELS),
      run(2, 'hyper', MODELS),
      run(3, 'ultra', [`!${alpha}`]),
      run(4, 'ultra', [beta]),
    ],
    finishWith('ultra', beta),
  ],
  [
    'no synthesizer left',
    fourStage,
    [
      run(0, 'initial', [alpha, `!${beta}`, `!${gamma}`]),
      run(1, 'meta', [alpha]),
      run(2, 'hyper', [alpha]),
      run(3, 'ultra', [`!${alpha}`]),
    ],
    finishFailed('synthesis_failed'),
  ],
  [
    'every model failed',
    fourStage,
    [run(0, 'initial', [`!${alpha}`, `!${beta}`, `!${gamma}`])],
    finishFailed('all_models_failed'),
  ],
  ['cancelled', fourStage, [run(0, 'initial', MODELS)], finishFailed('cancelled'), {}, { ...flags, cancelled: true }],
  [
    'deadline passed',
    fourStage,
    [run(0, 'initial', MODELS)],
    finishFailed('deadline_exceeded'),
    {},
    { ...flags, now: 10_000 },
  ],
  ['quorum not met', lenient, [run(0, 'initial', [alpha, `!${beta}`, `!${gamma}`])], finishFailed('quorum_not_met')],
  [
    'the request quorum overrides the pattern',
    lenient,
    [run(0, 'initial', [alpha, `!${beta}`, `!${gamma}`])],
    launch('meta', [alpha]),
    { options: { quorum: 1 } },
  ],
  [
    'quorum is capped at the calls made',
    lenient,
    [run(0, 'initial', [alpha])],
    launch('meta', [alpha]),
    { models: [alpha] },
  ],
  [
    'carry-forward keeps going when a stage fails entirely',
    lenient,
    [run(0, 'initial', MODELS), run(1, 'meta', [`!${alpha}`, `!${beta}`, `!${gamma}`])],
    launch('ultra', [alpha]),
  ],
  [
    'an aggregate comes up after its source',
    council,
    [run(0, 'answer', MODELS), run(1, 'rank', MODELS)],
    { kind: 'aggregate', stage: expect.objectContaining({ id: 'tally' }), index: 2 },
  ],
  [
    'top-k takes the best of the ranking',
    council,
    [
      run(0, 'answer', MODELS),
      run(1, 'rank', MODELS),
      aggregate(2, 'tally', { ranking: [{ model: gamma }, { model: alpha }, { model: beta }] }),
    ],
    launch('finalists', [gamma, alpha]),
  ],
  [
    'top-k skips a model that has dropped out',
    council,
    [
      run(0, 'answer', MODELS),
      run(1, 'rank', [alpha, beta, `!${gamma}`]),
      aggregate(2, 'tally', { ranking: [{ model: gamma }, { model: alpha }, { model: beta }] }),
    ],
    launch('finalists', [alpha, beta]),
  ],
  [
    'a repeating stage runs its next round',
    debate,
    [run(0, 'open', MODELS), run(1, 'debate', MODELS)],
    launch('debate', MODELS, 2),
  ],
  [
    'a repeating stage ends after its rounds',
    debate,
    [run(0, 'open', MODELS), run(1, 'debate', MODELS), run(2, 'debate', MODELS, 2), run(3, 'debate', MODELS, 3)],
    launch('judge', [alpha]),
  ],
  [
    'a converged debate stops early',
    debate,
    [
      run(
        0,
        'open',
        MODELS.map((m) => similar(m, 'open')),
      ),
      run(
        1,
        'debate',
        MODELS.map((m) => similar(m, 'debate')),
      ),
    ],
    launch('judge', [alpha]),
  ],
  [
    'zero rounds skip the stage',
    debate,
    [run(0, 'open', MODELS)],
    { kind: 'skip', stage: expect.objectContaining({ id: 'debate' }), note: 'repeat.times is 0' },
    { params: { rounds: 0 } },
  ],
  [
    'a sampling stage asks one model n times at spread temperatures',
    selfMoa,
    [],
    (step) => {
      expect(step.kind === 'launch' && step.calls).toEqual([
        { model: alpha, sample: 0, temperature: 0.2 },
        { model: alpha, sample: 1, temperature: 0.6 },
        { model: alpha, sample: 2, temperature: 1 },
      ]);
    },
  ],
  [
    'a sampling stage that failed entirely falls back to the next model',
    selfMoa,
    [
      run(0, 'samples', [
        { model: alpha, fail: true },
        { model: alpha, sample: 1, fail: true },
        { model: alpha, sample: 2, fail: true },
      ]),
    ],
    launch('samples', [beta, beta, beta]),
  ],
  [
    'a sampling stage with one sample left goes on',
    selfMoa,
    [
      run(0, 'samples', [
        { model: alpha, fail: true },
        { model: alpha, sample: 1 },
        { model: alpha, sample: 2, fail: true },
      ]),
    ],
    launch('merge', [alpha]),
  ],
  [
    'a confident first answer skips the panel',
    cascade,
    [run(0, 'first', [{ model: alpha, data: { answer: 'x', confidence: 0.9 } }])],
    { kind: 'skip', stage: expect.objectContaining({ id: 'panel' }) },
  ],
  [
    'an unsure first answer runs the panel',
    cascade,
    [run(0, 'first', [{ model: alpha, data: { answer: 'x', confidence: 0.4 } }])],
    launch('panel', MODELS),
  ],
  ['an unreadable confidence runs the panel', cascade, [run(0, 'first', [alpha])], launch('panel', MODELS)],
  [
    'the threshold parameter moves the line',
    cascade,
    [run(0, 'first', [{ model: alpha, data: { answer: 'x', confidence: 0.4 } }])],
    { kind: 'skip' },
    { params: { threshold: 0.3 } },
  ],
  [
    'the quick path answers with the first answer field',
    cascade,
    [
      run(0, 'first', [{ model: alpha, data: { answer: 'the answer', confidence: 0.9 } }]),
      { index: 1, stage: 'panel', kind: 'skipped', round: 1, outputs: [] },
      { index: 2, stage: 'synth', kind: 'skipped', round: 1, outputs: [] },
    ],
    {
      kind: 'finish',
      outcome: {
        status: 'completed',
        result: expect.objectContaining({ stage: 'first', text: 'the answer', stageIndex: 0 }),
      },
    },
  ],
];

describe('nextStep', () => {
  it.each(table)('%s', (_name, pattern, runs, expected, overrides = {}, at = flags) => {
    const step = nextStep(stateOf(pattern, runs, overrides), at);
    if (typeof expected === 'function') expected(step);
    else expect(step).toMatchObject(expected);
  });

  it('passes the request options to every call, the stage output shape too', () => {
    const step = nextStep(
      stateOf(council, [run(0, 'answer', MODELS)], { options: { temperature: 0.1, maxOutputTokens: 99 } }),
      flags,
    );
    expect(step.kind === 'launch' && step.calls[0]).toEqual({
      model: alpha,
      sample: 0,
      temperature: 0.1,
      maxOutputTokens: 99,
      output: { format: 'json', schema: 'ranking' },
    });
  });

  it('names each failed model and its cause', () => {
    const step = nextStep(stateOf(fourStage, [run(0, 'initial', [`!${alpha}`, `!${beta}`, `!${gamma}`])]), flags);
    expect(step).toMatchObject({
      outcome: {
        error: {
          message: expect.stringContaining('mock:alpha (provider_unavailable), mock:beta (provider_unavailable)'),
        },
      },
    });
  });
});
