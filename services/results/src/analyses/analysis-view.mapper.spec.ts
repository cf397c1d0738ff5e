import type { ModelId, StageName } from '@ultra/contracts';
import { fourStagePattern, mixedPattern } from '../testing/patterns';
import { AnalysisEntity } from './analysis.entity';
import { analysisRequestOf, toAnalysisSource, toAnalysisSummary, toAnalysisView } from './analysis-view.mapper';
import { StageOutputEntity } from './stage-output.entity';
import { StageRunEntity } from './stage-run.entity';

const created = new Date('2030-01-02T03:04:05.678Z');
const ANALYSIS_ID = '00000000-0000-4000-8000-000000000001';
const FOUR_STAGES = ['initial', 'meta', 'hyper', 'ultra'];

function analysis(overrides: Partial<AnalysisEntity> = {}): AnalysisEntity {
  return Object.assign(new AnalysisEntity(), {
    id: ANALYSIS_ID,
    userId: '00000000-0000-4000-8000-0000000000aa',
    requestId: 'req-1',
    status: 'queued',
    pattern: 'confidence',
    patternSpec: fourStagePattern('confidence'),
    params: {},
    options: {},
    sourceAnalysisId: null,
    documents: null,
    threadId: ANALYSIS_ID,
    parentAnalysisId: null,
    history: null,
    callbackUrl: null,
    webhookAttempts: 0,
    webhookLastStatus: null,
    webhookLastError: null,
    webhookDeliveredAt: null,
    models: ['mock:b', 'mock:a', 'mock:c'],
    ultraModel: 'mock:a',
    prompt: 'Why is the sky blue?',
    resultStage: null,
    resultStageIndex: null,
    resultModel: null,
    resultSample: null,
    resultText: null,
    resultData: null,
    resultToolCalls: null,
    resultFinishReason: null,
    conversation: null,
    error: null,
    deadlineAt: null,
    createdAt: created,
    updatedAt: created,
    completedAt: null,
    ...overrides,
  } satisfies AnalysisEntity);
}

function run(stage: StageName, stageIndex: number, overrides: Partial<StageRunEntity> = {}): StageRunEntity {
  return Object.assign(new StageRunEntity(), {
    analysisId: ANALYSIS_ID,
    stageIndex,
    stage,
    label: stage.charAt(0).toUpperCase() + stage.slice(1),
    kind: 'generate',
    round: 1,
    aggregate: null,
    note: null,
    createdAt: created,
    ...overrides,
  } satisfies StageRunEntity);
}

/** An output of a four-stage analysis; its run index is the stage's position unless overridden. */
function output(stage: StageName, model: ModelId, overrides: Partial<StageOutputEntity> = {}): StageOutputEntity {
  return Object.assign(new StageOutputEntity(), {
    id: `${stage}-${model}`,
    analysisId: ANALYSIS_ID,
    stage,
    stageIndex: FOUR_STAGES.indexOf(stage),
    model,
    sample: 0,
    status: 'completed',
    text: `${model} says ${stage}`,
    error: null,
    data: null,
    dataError: null,
    toolCalls: null,
    reused: false,
    answeredBy: null,
    fallbackReason: null,
    cached: false,
    repairedChars: 0,
    latencyMs: 10,
    inputTokens: 3,
    outputTokens: 5,
    cachedInputTokens: null,
    reasoningTokens: null,
    costUsd: 0.00125,
    finishReason: 'stop',
    createdAt: created,
    ...overrides,
  } satisfies StageOutputEntity);
}

const failed = (stage: StageName, model: ModelId, overrides: Partial<StageOutputEntity> = {}) =>
  output(stage, model, {
    status: 'failed',
    text: null,
    error: { category: 'timeout', message: 'took too long' },
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    ...overrides,
  });

/** One generate run (round 1) per run index the outputs name, as stage.record stores them together. */
function runsOf(outputs: readonly StageOutputEntity[]): StageRunEntity[] {
  const byIndex = new Map(outputs.map((o) => [o.stageIndex, o.stage]));
  return [...byIndex].sort(([a], [b]) => a - b).map(([index, stage]) => run(stage, index));
}

/** The view of an analysis whose outputs were recorded as one generate run per stage. */
const viewOf = (a: AnalysisEntity, outputs: StageOutputEntity[]) => toAnalysisView(a, runsOf(outputs), outputs);

const statuses = (a: AnalysisEntity, outputs: StageOutputEntity[]) =>
  viewOf(a, outputs).stages.map((s) => `${s.name}:${s.status}`);

const noUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

describe('toAnalysisView', () => {
  it('shows a queued analysis with every stage of its pattern pending and nothing else', () => {
    const view = viewOf(analysis({ params: { rounds: 2 }, options: { temperature: 0.3 } }), []);
    expect(view).toEqual({
      id: ANALYSIS_ID,
      status: 'queued',
      pattern: 'confidence',
      models: ['mock:b', 'mock:a', 'mock:c'],
      ultraModel: 'mock:a',
      prompt: 'Why is the sky blue?',
      createdAt: '2030-01-02T03:04:05.678Z',
      updatedAt: '2030-01-02T03:04:05.678Z',
      completedAt: null,
      threadId: ANALYSIS_ID,
      parentAnalysisId: null,
      stages: FOUR_STAGES.map((name) => ({
        name,
        id: name,
        label: name.charAt(0).toUpperCase() + name.slice(1),
        kind: 'generate',
        index: null,
        round: 1,
        status: 'pending',
        outputs: [],
        usage: noUsage,
      })),
      result: null,
      usage: noUsage,
      params: { rounds: 2 },
      options: { temperature: 0.3 },
      sourceAnalysisId: null,
    });
    expect(view).not.toHaveProperty('error');
  });

  it('marks the first stage running once the analysis runs', () => {
    expect(statuses(analysis({ status: 'running' }), [])).toEqual([
      'initial:running',
      'meta:pending',
      'hyper:pending',
      'ultra:pending',
    ]);
  });

  it('marks the first stage without a run running and later ones pending', () => {
    const outputs = [output('initial', 'mock:a'), failed('initial', 'mock:b')];
    expect(statuses(analysis({ status: 'running' }), outputs)).toEqual([
      'initial:completed',
      'meta:running',
      'hyper:pending',
      'ultra:pending',
    ]);
    expect(viewOf(analysis({ status: 'running' }), outputs).stages.map((s) => s.index)).toEqual([0, null, null, null]);
  });

  it('fails a generate run only when every output failed', () => {
    const outputs = [failed('initial', 'mock:a'), failed('initial', 'mock:b'), failed('initial', 'mock:c')];
    expect(statuses(analysis({ status: 'running' }), outputs)[0]).toBe('initial:failed');
  });

  it('skips the stages an ended analysis never ran and reports its error', () => {
    const outputs = [failed('initial', 'mock:a'), failed('initial', 'mock:b')];
    const ended = analysis({
      status: 'failed',
      error: { code: 'all_models_failed', message: 'no model answered' },
      completedAt: new Date('2030-01-02T03:05:00.000Z'),
    });
    const view = viewOf(ended, outputs);
    expect(view.stages.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
    expect(view.error).toEqual({ code: 'all_models_failed', message: 'no model answered' });
    expect(view.completedAt).toBe('2030-01-02T03:05:00.000Z');
    expect(view.result).toBeNull();
  });

  it('lists only the runs of an analysis stored before patterns were data', () => {
    const outputs = [output('initial', 'mock:a'), output('meta', 'mock:a')];
    expect(statuses(analysis({ status: 'failed', patternSpec: null }), outputs)).toEqual([
      'initial:completed',
      'meta:completed',
    ]);
  });

  it('orders outputs by the analysis models, whatever order the rows come in', () => {
    const outputs = [output('initial', 'mock:c'), output('initial', 'mock:a'), output('initial', 'mock:b')];
    const [initial] = viewOf(analysis({ status: 'running' }), outputs).stages;
    expect(initial?.outputs.map((o) => o.model)).toEqual(['mock:b', 'mock:a', 'mock:c']);
  });

  it('maps outputs with sample and usage, and an error only when there is one', () => {
    const [initial] = viewOf(analysis({ status: 'running' }), [
      output('initial', 'mock:a'),
      failed('initial', 'mock:b'),
    ]).stages;
    expect(initial?.outputs).toEqual([
      {
        model: 'mock:b',
        sample: 0,
        status: 'failed',
        text: null,
        error: { category: 'timeout', message: 'took too long' },
        latencyMs: 10,
        usage: noUsage,
      },
      {
        model: 'mock:a',
        sample: 0,
        status: 'completed',
        text: 'mock:a says initial',
        latencyMs: 10,
        usage: { inputTokens: 3, outputTokens: 5, costUsd: 0.00125 },
      },
    ]);
    expect(initial?.outputs[1]).not.toHaveProperty('error');
    expect(initial?.usage).toEqual({ inputTokens: 3, outputTokens: 5, costUsd: 0.00125 });
  });

  it('shows data and dataError only where the stage produced them, and reused only when true', () => {
    const ranking = { ranking: ['A', 'B'] };
    const [initial] = viewOf(analysis({ status: 'running' }), [
      output('initial', 'mock:b', { data: ranking }),
      output('initial', 'mock:a', { dataError: 'no JSON object in the answer' }),
      output('initial', 'mock:c', { reused: true, costUsd: 0 }),
    ]).stages;
    const [b, a, c] = initial?.outputs ?? [];
    expect(b).toMatchObject({ data: ranking });
    expect(b).not.toHaveProperty('dataError');
    expect(a).toMatchObject({ data: null, dataError: 'no JSON object in the answer' });
    expect(c).toMatchObject({ reused: true });
    expect(c).not.toHaveProperty('data');
    expect(b).not.toHaveProperty('reused');
  });

  it('shows answeredBy and fallbackReason only when set, cached only when true, repairedChars only above 0', () => {
    const [initial] = viewOf(analysis({ status: 'running' }), [
      output('initial', 'mock:b', { answeredBy: 'mock:c', fallbackReason: 'mock:b: circuit open' }),
      output('initial', 'mock:a', { cached: true, costUsd: 0, repairedChars: 2 }),
      output('initial', 'mock:c'),
    ]).stages;
    const [b, a, c] = initial?.outputs ?? [];
    expect(b).toMatchObject({ answeredBy: 'mock:c', fallbackReason: 'mock:b: circuit open' });
    expect(a).toMatchObject({ cached: true, repairedChars: 2 });
    for (const field of ['answeredBy', 'fallbackReason', 'cached', 'repairedChars']) {
      expect(c).not.toHaveProperty(field);
    }
    expect(b).not.toHaveProperty('cached');
    expect(b).not.toHaveProperty('repairedChars');
    expect(a).not.toHaveProperty('answeredBy');
  });

  describe('a pattern whose stages repeat, aggregate, are skipped and sample', () => {
    const mixed = analysis({ status: 'running', patternSpec: mixedPattern(), models: ['mock:b', 'mock:a'] });
    const tally = { ranking: [{ model: 'mock:a', points: 2, meanPosition: 1, votes: 2 }], voters: 2 };
    const runs = [
      run('answer', 0, { round: 1 }),
      run('answer', 1, { round: 2 }),
      run('tally', 2, { kind: 'aggregate', aggregate: tally }),
      run('check', 3, { kind: 'skipped', note: 'answer.confidence lt 0.5 is false' }),
    ];
    const outputs = [
      output('answer', 'mock:a', { stageIndex: 0, text: 'a, round 1' }),
      output('answer', 'mock:b', { stageIndex: 0, text: 'b, round 1' }),
      output('answer', 'mock:a', { stageIndex: 1, text: 'a, round 2' }),
      failed('answer', 'mock:b', { stageIndex: 1 }),
    ];

    it('lists every run in index order with its round, then the stage that has not run', () => {
      const view = toAnalysisView(mixed, runs, outputs);
      expect(view.stages.map(({ id, kind, index, round, status }) => ({ id, kind, index, round, status }))).toEqual([
        { id: 'answer', kind: 'generate', index: 0, round: 1, status: 'completed' },
        { id: 'answer', kind: 'generate', index: 1, round: 2, status: 'completed' },
        { id: 'tally', kind: 'aggregate', index: 2, round: 1, status: 'completed' },
        { id: 'check', kind: 'skipped', index: 3, round: 1, status: 'skipped' },
        { id: 'chair', kind: 'generate', index: null, round: 1, status: 'running' },
      ]);
      expect(view.stages[0]?.outputs.map((o) => o.text)).toEqual(['b, round 1', 'a, round 1']);
      expect(view.stages[1]?.outputs.map((o) => o.status)).toEqual(['failed', 'completed']);
    });

    it('carries an aggregate’s result and a skipped run’s note, with no outputs', () => {
      const [, , aggregate, skipped] = toAnalysisView(mixed, runs, outputs).stages;
      expect(aggregate).toEqual({
        name: 'tally',
        id: 'tally',
        label: 'Tally',
        kind: 'aggregate',
        index: 2,
        round: 1,
        status: 'completed',
        outputs: [],
        aggregate: tally,
        usage: noUsage,
      });
      expect(skipped).toMatchObject({ kind: 'skipped', note: 'answer.confidence lt 0.5 is false', outputs: [] });
      expect(skipped).not.toHaveProperty('aggregate');
    });

    it('orders the samples of one model by sample', () => {
      const chair = [
        output('chair', 'mock:a', { stageIndex: 4, sample: 1, text: 'second' }),
        output('chair', 'mock:a', { stageIndex: 4, sample: 0, text: 'first' }),
      ];
      const view = toAnalysisView(mixed, [...runs, run('chair', 4)], [...outputs, ...chair]);
      expect(view.stages[4]?.outputs.map((o) => [o.sample, o.text])).toEqual([
        [0, 'first'],
        [1, 'second'],
      ]);
    });
  });

  describe('a completed analysis', () => {
    const stages: StageName[] = ['initial', 'meta', 'hyper'];
    const outputs = [
      ...stages.flatMap((stage) => [output(stage, 'mock:a'), output(stage, 'mock:b'), failed(stage, 'mock:c')]),
      output('ultra', 'mock:a', { text: 'the synthesis', inputTokens: 100, outputTokens: 50 }),
    ];
    const done = analysis({
      status: 'completed',
      resultStage: 'ultra',
      resultStageIndex: 3,
      resultModel: 'mock:a',
      resultSample: 0,
      resultText: 'the answer field',
      resultData: { ranking: [{ model: 'mock:a' }], model: 'not this' },
    });

    it('sums usage over every output', () => {
      // Seven completed outputs at 0.00125 USD each; failed ones cost nothing.
      expect(viewOf(done, outputs).usage).toEqual({
        inputTokens: 3 * 2 * 3 + 100,
        outputTokens: 3 * 2 * 5 + 50,
        costUsd: 0.00875,
      });
    });

    it('shows cached and reasoning tokens where the provider reported them', () => {
      const detailed = output('ultra', 'mock:a', { cachedInputTokens: 2, reasoningTokens: 1 });
      expect(viewOf(done, [detailed]).stages[0]?.outputs[0]?.usage).toEqual({
        inputTokens: 3,
        outputTokens: 5,
        cachedInputTokens: 2,
        reasoningTokens: 1,
        costUsd: 0.00125,
      });
    });

    it('has every stage completed and the stored answer with its named data as result', () => {
      const view = viewOf(done, outputs);
      expect(view.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(view.result).toEqual({
        model: 'mock:a',
        text: 'the answer field',
        stage: 'ultra',
        ranking: [{ model: 'mock:a' }],
      });
    });

    it('takes the text from the named output when none was stored (migrated rows)', () => {
      const migrated = { ...done, resultText: null, resultData: null, resultSample: null };
      expect(viewOf(migrated, outputs).result).toEqual({ model: 'mock:a', text: 'the synthesis', stage: 'ultra' });
      const failedOne = { ...migrated, resultModel: 'mock:c', resultStage: 'hyper', resultStageIndex: 2 };
      expect(viewOf(failedOne, outputs).result).toBeNull();
      expect(viewOf({ ...migrated, resultModel: 'mock:b' }, outputs).result).toBeNull();
    });

    it('has no result before it completed', () => {
      expect(viewOf({ ...done, status: 'running' }, outputs).result).toBeNull();
    });
  });
});

describe('toAnalysisSource', () => {
  it('gives every run in order as the orchestrator keeps it, outputs with their data and error category', () => {
    const source = analysis({
      status: 'failed',
      patternSpec: mixedPattern(),
      params: { rounds: 2 },
      options: { quorum: 1 },
      models: ['mock:b', 'mock:a'],
    });
    const tally = { ranking: [], voters: 0 };
    const runs = [run('answer', 0), run('tally', 1, { kind: 'aggregate', aggregate: tally })];
    const outputs = [
      output('answer', 'mock:a', { stageIndex: 0, data: { ranking: ['A'] } }),
      failed('answer', 'mock:b', { stageIndex: 0, dataError: null }),
    ];
    expect(toAnalysisSource(source, runs, outputs)).toEqual({
      id: ANALYSIS_ID,
      status: 'failed',
      prompt: 'Why is the sky blue?',
      models: ['mock:b', 'mock:a'],
      ultraModel: 'mock:a',
      pattern: 'confidence',
      patternSpec: mixedPattern(),
      params: { rounds: 2 },
      options: { quorum: 1 },
      threadId: ANALYSIS_ID,
      parentAnalysisId: null,
      runs: [
        {
          index: 0,
          stage: 'answer',
          kind: 'generate',
          round: 1,
          outputs: [
            {
              model: 'mock:b',
              sample: 0,
              status: 'failed',
              text: null,
              data: null,
              dataError: null,
              category: 'timeout',
            },
            {
              model: 'mock:a',
              sample: 0,
              status: 'completed',
              text: 'mock:a says answer',
              data: { ranking: ['A'] },
              dataError: null,
              category: null,
            },
          ],
          aggregate: null,
        },
        { index: 1, stage: 'tally', kind: 'aggregate', round: 1, outputs: [], aggregate: tally },
      ],
    });
  });
});

describe('toAnalysisSummary', () => {
  it('carries the usage it is given, and no stages or result', () => {
    const usage = { inputTokens: 12, outputTokens: 3, costUsd: 0.004 };
    const summary = toAnalysisSummary(analysis({ status: 'running' }), usage);
    expect(summary.usage).toEqual(usage);
    expect(Object.keys(summary).sort()).toEqual(
      [
        'completedAt',
        'createdAt',
        'id',
        'models',
        'parentAnalysisId',
        'pattern',
        'prompt',
        'status',
        'threadId',
        'ultraModel',
        'updatedAt',
        'usage',
      ].sort(),
    );
  });
});

describe('documents', () => {
  const documents = [
    {
      id: '00000000-0000-4000-8000-0000000000d1',
      name: 'notes.md',
      type: 'markdown' as const,
      text: 'The zebra paragraph.',
      truncated: true,
      chunks: [{ index: 3, tokens: 5, score: 2.5 }],
    },
  ];

  it('shows which chunks an analysis used, without their text, and nothing for an analysis without documents', () => {
    expect(toAnalysisView(analysis({ documents }), [], []).documents).toEqual([
      { id: documents[0].id, name: 'notes.md', type: 'markdown', truncated: true, chunks: documents[0].chunks },
    ]);
    expect(toAnalysisView(analysis(), [], [])).not.toHaveProperty('documents');
  });

  it('gives a rerun or a resumed analysis the documents with their text, so its prompts are the same', () => {
    expect(analysisRequestOf(analysis({ documents })).documents).toEqual(documents);
    expect(analysisRequestOf(analysis())).not.toHaveProperty('documents');
  });
});

describe('analysisRequestOf', () => {
  it('carries a follow-up’s stored history, so a rerun or a resumed run renders the same prompts', () => {
    const exchanges = [{ analysisId: ANALYSIS_ID, prompt: 'Earlier?', answer: 'Yes.' }];
    const request = analysisRequestOf(analysis({ history: { exchanges, omitted: 2 } }));
    expect(request).toMatchObject({ history: exchanges, historyOmitted: 2 });
    expect(analysisRequestOf(analysis())).not.toHaveProperty('history');
  });
});
