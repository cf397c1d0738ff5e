import type { ModelId, StageName } from '@ultra/contracts';
import { AnalysisEntity } from './analysis.entity';
import { toAnalysisSummary, toAnalysisView } from './analysis-view.mapper';
import { StageOutputEntity } from './stage-output.entity';

const created = new Date('2030-01-02T03:04:05.678Z');

function analysis(overrides: Partial<AnalysisEntity> = {}): AnalysisEntity {
  return Object.assign(new AnalysisEntity(), {
    id: '00000000-0000-4000-8000-000000000001',
    userId: '00000000-0000-4000-8000-0000000000aa',
    requestId: 'req-1',
    status: 'queued',
    pattern: 'confidence',
    models: ['mock:b', 'mock:a', 'mock:c'],
    ultraModel: 'mock:a',
    prompt: 'Why is the sky blue?',
    resultStage: null,
    resultModel: null,
    error: null,
    createdAt: created,
    updatedAt: created,
    completedAt: null,
    ...overrides,
  } satisfies AnalysisEntity);
}

function output(stage: StageName, model: ModelId, overrides: Partial<StageOutputEntity> = {}): StageOutputEntity {
  return Object.assign(new StageOutputEntity(), {
    id: `${stage}-${model}`,
    analysisId: '00000000-0000-4000-8000-000000000001',
    stage,
    stageIndex: ['initial', 'meta', 'hyper', 'ultra'].indexOf(stage),
    model,
    status: 'completed',
    text: `${model} says ${stage}`,
    error: null,
    latencyMs: 10,
    inputTokens: 3,
    outputTokens: 5,
    cachedInputTokens: null,
    reasoningTokens: null,
    costUsd: 0.00125,
    finishReason: 'stop',
    createdAt: created,
    ...overrides,
  });
}

const failed = (stage: StageName, model: ModelId) =>
  output(stage, model, {
    status: 'failed',
    text: null,
    error: { category: 'timeout', message: 'took too long' },
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  });

const statuses = (a: AnalysisEntity, outputs: StageOutputEntity[]) =>
  toAnalysisView(a, outputs).stages.map((s) => `${s.name}:${s.status}`);

describe('toAnalysisView', () => {
  it('shows a queued analysis with every stage of its pattern pending and nothing else', () => {
    const view = toAnalysisView(analysis(), []);
    expect(view).toEqual({
      id: '00000000-0000-4000-8000-000000000001',
      status: 'queued',
      pattern: 'confidence',
      models: ['mock:b', 'mock:a', 'mock:c'],
      ultraModel: 'mock:a',
      prompt: 'Why is the sky blue?',
      createdAt: '2030-01-02T03:04:05.678Z',
      updatedAt: '2030-01-02T03:04:05.678Z',
      completedAt: null,
      stages: ['initial', 'meta', 'hyper', 'ultra'].map((name) => ({
        name,
        status: 'pending',
        outputs: [],
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      })),
      result: null,
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
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

  it('marks the first stage without outputs running and later ones pending', () => {
    const outputs = [output('initial', 'mock:a'), failed('initial', 'mock:b')];
    expect(statuses(analysis({ status: 'running' }), outputs)).toEqual([
      'initial:completed',
      'meta:running',
      'hyper:pending',
      'ultra:pending',
    ]);
  });

  it('fails a stage only when every output failed', () => {
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
    const view = toAnalysisView(ended, outputs);
    expect(view.stages.map((s) => s.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
    expect(view.error).toEqual({ code: 'all_models_failed', message: 'no model answered' });
    expect(view.completedAt).toBe('2030-01-02T03:05:00.000Z');
    expect(view.result).toBeNull();
  });

  it('orders outputs by the analysis models, whatever order the rows come in', () => {
    const outputs = [output('initial', 'mock:c'), output('initial', 'mock:a'), output('initial', 'mock:b')];
    const [initial] = toAnalysisView(analysis({ status: 'running' }), outputs).stages;
    expect(initial?.outputs.map((o) => o.model)).toEqual(['mock:b', 'mock:a', 'mock:c']);
  });

  it('maps outputs with usage, and an error only when there is one', () => {
    const [initial] = toAnalysisView(analysis({ status: 'running' }), [
      output('initial', 'mock:a'),
      failed('initial', 'mock:b'),
    ]).stages;
    expect(initial?.outputs).toEqual([
      {
        model: 'mock:b',
        status: 'failed',
        text: null,
        error: { category: 'timeout', message: 'took too long' },
        latencyMs: 10,
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
      },
      {
        model: 'mock:a',
        status: 'completed',
        text: 'mock:a says initial',
        latencyMs: 10,
        usage: { inputTokens: 3, outputTokens: 5, costUsd: 0.00125 },
      },
    ]);
    expect(initial?.outputs[1]).not.toHaveProperty('error');
    expect(initial?.usage).toEqual({ inputTokens: 3, outputTokens: 5, costUsd: 0.00125 });
  });

  describe('a completed analysis', () => {
    const stages: StageName[] = ['initial', 'meta', 'hyper'];
    const outputs = [
      ...stages.flatMap((stage) => [output(stage, 'mock:a'), output(stage, 'mock:b'), failed(stage, 'mock:c')]),
      output('ultra', 'mock:a', { text: 'the synthesis', inputTokens: 100, outputTokens: 50 }),
    ];
    const done = analysis({ status: 'completed', resultStage: 'ultra', resultModel: 'mock:a' });

    it('sums usage over every output', () => {
      // Seven completed outputs at 0.00125 USD each; failed ones cost nothing.
      expect(toAnalysisView(done, outputs).usage).toEqual({
        inputTokens: 3 * 2 * 3 + 100,
        outputTokens: 3 * 2 * 5 + 50,
        costUsd: 0.00875,
      });
    });

    it('shows cached and reasoning tokens where the provider reported them', () => {
      const detailed = output('ultra', 'mock:a', { cachedInputTokens: 2, reasoningTokens: 1 });
      expect(toAnalysisView(done, [detailed]).stages[3]?.outputs[0]?.usage).toEqual({
        inputTokens: 3,
        outputTokens: 5,
        cachedInputTokens: 2,
        reasoningTokens: 1,
        costUsd: 0.00125,
      });
    });

    it('has every stage completed and the named output as result', () => {
      const view = toAnalysisView(done, outputs);
      expect(view.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(view.result).toEqual({ model: 'mock:a', text: 'the synthesis' });
    });

    it('has no result when the named output failed or is missing', () => {
      expect(toAnalysisView({ ...done, resultModel: 'mock:c', resultStage: 'hyper' }, outputs).result).toBeNull();
      expect(toAnalysisView({ ...done, resultModel: 'mock:b' }, outputs).result).toBeNull();
    });

    it('has no result before it completed', () => {
      expect(toAnalysisView({ ...done, status: 'running' }, outputs).result).toBeNull();
    });
  });
});

describe('toAnalysisSummary', () => {
  it('carries no stages, usage or result', () => {
    const summary = toAnalysisSummary(analysis({ status: 'running' }));
    expect(Object.keys(summary).sort()).toEqual(
      ['completedAt', 'createdAt', 'id', 'models', 'pattern', 'prompt', 'status', 'ultraModel', 'updatedAt'].sort(),
    );
  });
});
