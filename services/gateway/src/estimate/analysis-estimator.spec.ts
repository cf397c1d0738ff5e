import {
  type AnalysisOptions,
  type AnalysisSpec,
  callsOf,
  paramValues,
  patternSpecSchema,
  type PatternSpecInput,
} from '@ultra/contracts';
import { estimateAnalysis } from './analysis-estimator';
import { DEFAULT_ESTIMATE_SETTINGS, type ModelPrice, type PriceOf } from './estimate-settings';

const MODELS = ['mock:alpha', 'mock:beta', 'mock:gamma'];
const TEXT = DEFAULT_ESTIMATE_SETTINGS.outputTokens.text;
const RANKING = DEFAULT_ESTIMATE_SETTINGS.outputTokens.ranking;
const HEADER = DEFAULT_ESTIMATE_SETTINGS.responseHeaderTokens;
const free: PriceOf = () => ({ inputPerMTok: 0, outputPerMTok: 0 });

type StageInput = PatternSpecInput['stages'][number];

function analysis(
  stages: StageInput[],
  more: { params?: PatternSpecInput['params']; options?: AnalysisOptions; prompt?: string; models?: string[] } = {},
): AnalysisSpec {
  const patternSpec = patternSpecSchema.parse({
    id: 'test',
    name: 'Test',
    description: 'A pattern made for one test.',
    params: more.params ?? {},
    stages,
  });
  const models = more.models ?? MODELS;
  return {
    prompt: more.prompt ?? 'x'.repeat(400),
    models,
    ultraModel: models[1] ?? models[0],
    pattern: 'test',
    patternSpec,
    params: paramValues(patternSpec),
    options: more.options ?? {},
  };
}

function generate(id: string, extra: Partial<StageInput> = {}): StageInput {
  return {
    id,
    label: id,
    kind: 'generate',
    participants: 'all',
    prompt: { user: '{{question}}' },
    ...extra,
  } as StageInput;
}

const stageOf = (estimate: ReturnType<typeof estimateAnalysis>, id: string) =>
  estimate.stages.find((s) => s.id === id)!;

describe('estimateAnalysis: calls', () => {
  const spec = analysis(
    [
      generate('answer'),
      generate('rank', { options: { output: { format: 'json', schema: 'ranking' } } }),
      { id: 'tally', label: 'Tally', kind: 'aggregate', use: 'borda', from: 'rank' },
      generate('best', { participants: { top: { from: 'tally', k: '$k' } } }),
      generate('chair', { participants: 'ultra' }),
      generate('samples', { participants: { sample: { n: '$samples' } } }),
      generate('named', { participants: { models: ['mock:delta'] } }),
    ],
    {
      params: {
        k: { type: 'integer', default: 2, min: 1, max: 8 },
        samples: { type: 'integer', default: 4, min: 1, max: 8 },
      },
    },
  );
  const estimate = estimateAnalysis(spec, free);

  it.each([
    ['all: every model', 'answer', 3],
    ['an aggregate: no call', 'tally', 0],
    ['top: k of the ranking', 'best', 2],
    ['ultra: one call', 'chair', 1],
    ['sample: n calls of one model', 'samples', 4],
    ['an explicit list', 'named', 1],
  ])('%s', (_, id, calls) => expect(stageOf(estimate, id).calls).toBe(calls));

  it('counts as many calls as the pattern rules do, and attributes them to the models that make them', () => {
    expect(estimate.calls).toBe(callsOf(spec.patternSpec, spec.params, MODELS.length));
    expect(estimate.models.map((m) => [m.model, m.calls])).toEqual([
      ['mock:alpha', 3],
      ['mock:beta', 3 + 1 + 4], // answer, rank, best (of equal prices, the first two win), chair, four samples
      ['mock:gamma', 2],
      ['mock:delta', 1],
    ]);
    expect(estimate.pattern).toBe('test');
    expect(estimate.params).toEqual({ k: 2, samples: 4 });
  });

  it('prices a top-k stage as the k dearest models', () => {
    const prices: Record<string, ModelPrice> = {
      'mock:alpha': { inputPerMTok: 1, outputPerMTok: 1 },
      'mock:beta': { inputPerMTok: 1, outputPerMTok: 2 },
      'mock:gamma': { inputPerMTok: 9, outputPerMTok: 9 },
    };
    const priced = estimateAnalysis(
      analysis([generate('rank', { options: { output: { format: 'json', schema: 'ranking' } } }), ...topOnly()]),
      (m) => prices[m],
    );
    expect(priced.models.map((m) => [m.model, m.calls])).toEqual([
      ['mock:alpha', 1],
      ['mock:beta', 2],
      ['mock:gamma', 2],
    ]);
  });

  function topOnly(): StageInput[] {
    return [
      { id: 'tally', label: 'Tally', kind: 'aggregate', use: 'borda', from: 'rank' },
      generate('best', { participants: { top: { from: 'tally', k: 2 } } }),
    ];
  }
});

describe('estimateAnalysis: rounds and conditions', () => {
  const rounds = { rounds: { type: 'integer' as const, default: 3, min: 0, max: 5 } };

  it('a repeated stage counts every round in both figures', () => {
    const estimate = estimateAnalysis(
      analysis([generate('debate', { repeat: { times: '$rounds' } })], { params: rounds }),
      free,
    );
    expect(stageOf(estimate, 'debate')).toMatchObject({
      rounds: 3,
      calls: 9,
      outputTokens: { low: 9 * TEXT.low, high: 9 * TEXT.high },
    });
  });

  it('a stage that may stop on convergence counts one round low and every round high', () => {
    const estimate = estimateAnalysis(
      analysis([generate('debate', { repeat: { times: '$rounds', untilConverged: { similarity: 0.9 } } })], {
        params: rounds,
      }),
      free,
    );
    expect(stageOf(estimate, 'debate')).toMatchObject({
      rounds: 3,
      calls: 9,
      outputTokens: { low: 3 * TEXT.low, high: 9 * TEXT.high },
    });
    const duration = DEFAULT_ESTIMATE_SETTINGS.firstTokenS;
    expect(estimate.expectedDurationS).toEqual({
      low: duration.low + TEXT.low / 100,
      high: 3 * (duration.high + TEXT.high / 40),
    });
  });

  it('zero rounds: no call', () => {
    const estimate = estimateAnalysis(
      analysis([generate('answer'), generate('debate', { repeat: { times: '$rounds' } })], {
        params: { rounds: { ...rounds.rounds, default: 0 } },
      }),
      free,
    );
    expect(stageOf(estimate, 'debate')).toMatchObject({ rounds: 0, calls: 0, outputTokens: { low: 0, high: 0 } });
    expect(estimate.calls).toBe(3);
  });

  it('a conditional stage counts only in the high figures', () => {
    const estimate = estimateAnalysis(
      analysis([
        generate('first', {
          participants: 'ultra',
          options: { output: { format: 'json', schema: 'confidence' } },
        }),
        generate('panel', { when: { stage: 'first', field: 'confidence', op: 'lt', value: 0.7 } }),
      ]),
      free,
    );
    const panel = stageOf(estimate, 'panel');
    expect(panel.calls).toBe(3);
    expect(panel.inputTokens.low).toBe(0);
    expect(panel.outputTokens).toEqual({ low: 0, high: 3 * TEXT.high });
    expect(estimate.total.outputTokens.low).toBe(DEFAULT_ESTIMATE_SETTINGS.outputTokens.confidence.low);
  });
});

describe('estimateAnalysis: tokens', () => {
  it('input: the template without its variables, the question, and each shown output with its heading', () => {
    const user = 'Q: {{question}}\nMine: {{own.answer}}\nOthers: {{others.answer}}\nAll: {{ all.answer }}';
    const estimate = estimateAnalysis(
      analysis([
        generate('answer', { prompt: { system: 'Be brief.', user: '{{question}}' } }),
        generate('review', { prompt: { user } }),
      ]),
      free,
    );
    expect(stageOf(estimate, 'answer').inputTokens).toEqual({ low: 3 * (3 + 100), high: 3 * (3 + 100) });
    const fixed = 'Q: \nMine: \nOthers: \nAll: '.length + 400;
    const perCall = (output: number) => Math.ceil((fixed + (1 + 2 + 3) * (HEADER + output) * 4) / 4);
    expect(stageOf(estimate, 'review').inputTokens).toEqual({
      low: 3 * perCall(TEXT.low),
      high: 3 * perCall(TEXT.high),
    });
  });

  it('prev: the stage before in the first round, the round before after it', () => {
    const estimate = estimateAnalysis(
      analysis([
        generate('rank', { options: { output: { format: 'json', schema: 'ranking' } } }),
        generate('debate', { repeat: { times: 2 }, prompt: { user: '{{all.prev}}' } }),
      ]),
      free,
    );
    const shown = (output: number) => 3 * (HEADER + output);
    expect(stageOf(estimate, 'debate').inputTokens).toEqual({
      low: 3 * (shown(RANKING.low) + shown(TEXT.low)),
      high: 3 * (shown(RANKING.high) + shown(TEXT.high)),
    });
  });

  it('an aggregate shows a small fixed text low and grows with its voters high; nothing to show is a placeholder', () => {
    const estimate = estimateAnalysis(
      analysis(
        [
          generate('rank', { options: { output: { format: 'json', schema: 'ranking' } } }),
          { id: 'tally', label: 'Tally', kind: 'aggregate', use: 'borda', from: 'rank' },
          generate('chair', { participants: 'ultra', prompt: { user: '{{aggregate.tally}}{{others.rank}}' } }),
        ],
        { models: ['mock:alpha'] },
      ),
      free,
    );
    const { aggregateTokens, placeholderTokens } = DEFAULT_ESTIMATE_SETTINGS;
    expect(stageOf(estimate, 'chair').inputTokens).toEqual({
      low: aggregateTokens.low + placeholderTokens,
      high: aggregateTokens.highPerModel.borda + placeholderTokens,
    });
  });

  it.each([
    ['no cap', undefined, undefined, TEXT],
    ['the stage caps it', 200, undefined, { low: TEXT.low, high: 200 }],
    ['the request overrides the stage', 200, 800, { low: TEXT.low, high: 800 }],
    ['a request cap above the usual high', undefined, 100_000, TEXT],
    ['a cap below the usual low', 20, undefined, { low: 20, high: 20 }],
    ['the request caps below the stage', 1_000, 30, { low: 30, high: 30 }],
  ])('output per call, %s', (_, stageCap, requestCap, expected) => {
    const spec = analysis([generate('answer', { participants: 'ultra', options: { maxOutputTokens: stageCap } })], {
      options: { maxOutputTokens: requestCap },
    });
    expect(stageOf(estimateAnalysis(spec, free), 'answer').outputTokens).toEqual(expected);
  });

  it('json outputs use their shape figures', () => {
    const spec = analysis([
      generate('vote', { participants: 'ultra', options: { output: { format: 'json', schema: 'vote' } } }),
      generate('object', { participants: 'ultra', options: { output: { format: 'json' } } }),
    ]);
    const estimate = estimateAnalysis(spec, free);
    expect(stageOf(estimate, 'vote').outputTokens).toEqual(DEFAULT_ESTIMATE_SETTINGS.outputTokens.vote);
    expect(stageOf(estimate, 'object').outputTokens).toEqual(DEFAULT_ESTIMATE_SETTINGS.outputTokens.json);
  });
});

describe('estimateAnalysis: cost and duration', () => {
  const spec = analysis([generate('answer', { participants: 'ultra' })], { models: ['local:llama', 'openai:gpt-4o'] });

  it('prices input and output per million tokens', () => {
    const estimate = estimateAnalysis(spec, (m) =>
      m === 'openai:gpt-4o' ? { inputPerMTok: 2, outputPerMTok: 10 } : undefined,
    );
    const low = (100 * 2 + TEXT.low * 10) / 1e6;
    const high = (100 * 2 + TEXT.high * 10) / 1e6;
    expect(estimate.models).toEqual([
      {
        model: 'openai:gpt-4o',
        calls: 1,
        inputTokens: { low: 100, high: 100 },
        outputTokens: TEXT,
        costUsd: { low, high },
      },
    ]);
    expect(estimate.total).toEqual({
      inputTokens: { low: 100, high: 100 },
      outputTokens: TEXT,
      costUsd: { low, high },
    });
    expect(estimate.assumptions.join(' ')).not.toContain('no price');
  });

  it('a model without a price costs 0 and says so', () => {
    const estimate = estimateAnalysis({ ...spec, ultraModel: 'local:llama' }, () => undefined);
    expect(estimate.total.costUsd).toEqual({ low: 0, high: 0 });
    expect(estimate.assumptions).toContain('local:llama has no price in the catalog; its calls are counted at 0 USD.');
  });

  it('duration: first-token latency plus streaming, stage after stage', () => {
    const estimate = estimateAnalysis(analysis([generate('a'), generate('b', { participants: 'ultra' })]), free);
    expect(estimate.expectedDurationS).toEqual({ low: 2 * (0.5 + TEXT.low / 100), high: 2 * (1.5 + TEXT.high / 40) });
  });

  it('states each rule', () => {
    const text = estimateAnalysis(spec, free).assumptions.join('\n');
    for (const rule of [
      'four characters',
      'when',
      'convergence',
      'fallbacks',
      'top-k',
      'maxOutputTokens',
      'tokens/s',
    ]) {
      expect(text).toContain(rule);
    }
  });
});
