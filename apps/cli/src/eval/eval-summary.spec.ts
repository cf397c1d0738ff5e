import { summarize } from './eval-summary.js';
import type { AnswerRecord, ArmSummary, EvalArm, EvalRecord, EvalReport, JudgementRecord } from './eval-types.js';

const model = (name: string): EvalArm => ({ id: `model:${name}`, kind: 'model', pattern: 'direct', models: [name] });
const pattern = (name: string): EvalArm => ({ id: `pattern:${name}`, kind: 'pattern', pattern: name, models: ['a'] });

function answer(itemId: string, armId: string, score?: number, extra: Partial<AnswerRecord> = {}): AnswerRecord {
  return {
    type: 'answer',
    itemId,
    armId,
    analysisId: 'an',
    status: 'completed',
    text: 'text',
    costUsd: 0.01,
    latencyMs: 1000,
    ...(score !== undefined && { score }),
    ...extra,
  };
}

/** One scored answer per item i1, i2, … in order. */
const scores = (armId: string, values: number[], costUsd: number) =>
  values.map((score, i) => answer(`i${i + 1}`, armId, score, { costUsd }));

function judgement(
  itemId: string,
  armId: string,
  order: JudgementRecord['order'],
  winner: JudgementRecord['winner'],
): JudgementRecord {
  return { type: 'judgement', itemId, armId, baselineArmId: 'model:a', order, winner, analysisId: 'j', costUsd: 0.001 };
}

function run(arms: EvalArm[], records: EvalRecord[], baselineArmId: string | null = null): EvalReport {
  const now = new Date('2026-12-01T12:00:00Z');
  return summarize({
    suite: 's',
    itemCount: 10,
    arms,
    records,
    baselineArmId,
    judge: null,
    stoppedByBudget: false,
    now,
  });
}

function arm(report: EvalReport, id: string): ArmSummary {
  const found = report.arms.find((a) => a.armId === id);
  if (!found) throw new Error(`no arm ${id}`);
  return found;
}

describe('summarize, scored suites', () => {
  it('lets a later record for the same item and arm replace the earlier, counting every call in the total', () => {
    const records = [answer('i1', 'model:a', 0), answer('i2', 'model:a', 0), answer('i1', 'model:a', 1)];
    const report = run([model('a')], records);
    expect(arm(report, 'model:a')).toMatchObject({ items: 2, accuracy: 0.5, costUsd: 0.02 });
    expect(report.totalCostUsd).toBeCloseTo(0.03, 10);
    expect(report).toMatchObject({ suite: 's', itemCount: 10, createdAt: '2026-12-01T12:00:00.000Z' });
  });

  it('scores failed answers 0, counts them, and leaves them out of the latency', () => {
    const records = [
      answer('i1', 'model:a', 1, { latencyMs: 100 }),
      answer('i2', 'model:a', undefined, { status: 'failed', text: null, latencyMs: 9000 }),
      answer('i3', 'model:a', 1, { latencyMs: 300 }),
      answer('i4', 'model:a', 0, { latencyMs: 200 }),
      answer('i2', 'model:b', 1),
    ];
    const a = arm(run([model('a'), model('b')], records), 'model:a');
    expect(a).toMatchObject({ items: 4, failed: 1, accuracy: 0.5, winRate: null });
    expect(a).toMatchObject({ latencyP50Ms: 200, latencyP95Ms: 300 });
  });

  it('compares every arm with the best single model, paired by item, in points', () => {
    const report = run(
      [model('a'), model('b'), pattern('p'), pattern('q'), pattern('r')],
      [
        ...scores('model:a', [1, 1, 1, 1, 1, 0, 0, 0, 0, 0], 0.01),
        ...scores('model:b', [1, 1, 1, 1, 1, 1, 0, 0, 0, 0], 0.02),
        ...scores('pattern:p', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0.05),
        ...scores('pattern:q', [1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 0.015),
        ...scores('pattern:r', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0.03),
      ],
    );
    expect(report.bestSingle).toBe('model:b');
    expect(arm(report, 'model:b')).toMatchObject({ vsBest: null, costPerPoint: null, accuracy: 0.6 });

    const p = arm(report, 'pattern:p');
    expect(p.vsBest?.delta).toBeCloseTo(40, 10);
    expect(p.vsBest?.low).toBeGreaterThan(0);
    expect(p.costPerPoint).toBeCloseTo((0.05 - 0.02) / 40, 10);

    // Gains one item, cheaper: free points, but the interval holds 0.
    const q = arm(report, 'pattern:q');
    expect(q.vsBest?.delta).toBeCloseTo(10, 10);
    expect(q.vsBest?.low).toBeLessThanOrEqual(0);
    expect(q.costPerPoint).toBe(0);

    const r = arm(report, 'pattern:r');
    expect(r.vsBest?.delta).toBeCloseTo(-60, 10);
    expect(r.vsBest?.high).toBeLessThan(0);
    expect(r.costPerPoint).toBeNull();
    expect(arm(report, 'model:a').vsBest?.delta).toBeCloseTo(-10, 10);
  });

  it('picks the cheaper of equally good single models, never a pattern', () => {
    const report = run(
      [model('b'), model('c'), pattern('p')],
      [
        ...scores('model:b', [1, 0, 1, 0], 0.02),
        ...scores('model:c', [0, 1, 1, 0], 0.01),
        ...scores('pattern:p', [1, 1, 1, 1], 0.05),
      ],
    );
    expect(report.bestSingle).toBe('model:c');
    expect(arm(report, 'model:b')).toMatchObject({ vsBest: { delta: 0 }, costPerPoint: null });
  });

  it('has no comparison without items in common, nor a best single without single models', () => {
    const disjoint = run([model('a'), pattern('p')], [answer('i1', 'model:a', 1), answer('i2', 'pattern:p', 1)]);
    expect(arm(disjoint, 'pattern:p')).toMatchObject({ vsBest: null, costPerPoint: null });
    const patternsOnly = run([pattern('p')], [answer('i1', 'pattern:p', 1)]);
    expect(patternsOnly.bestSingle).toBeNull();
  });
});

describe('summarize, open suites', () => {
  const arms = [model('a'), model('b'), pattern('p')];
  const answers = ['o1', 'o2', 'o3'].flatMap((item) => arms.map((a) => answer(item, a.id)));

  it('averages win, tie and loss over readable orders, then over items; the baseline is 0.5', () => {
    const records = [
      ...answers,
      judgement('o1', 'model:b', 'armFirst', 'arm'),
      judgement('o1', 'model:b', 'baselineFirst', 'tie'),
      judgement('o2', 'model:b', 'armFirst', null),
      judgement('o2', 'model:b', 'baselineFirst', 'baseline'),
      judgement('o3', 'model:b', 'armFirst', null),
      judgement('o3', 'model:b', 'baselineFirst', null),
      judgement('o1', 'pattern:p', 'armFirst', 'arm'),
      judgement('o1', 'pattern:p', 'baselineFirst', 'arm'),
      judgement('o2', 'pattern:p', 'armFirst', 'tie'),
      judgement('o2', 'pattern:p', 'baselineFirst', 'baseline'),
      judgement('o2', 'pattern:p', 'baselineFirst', 'tie'),
      judgement('o3', 'pattern:p', 'armFirst', 'arm'),
      judgement('o3', 'pattern:p', 'baselineFirst', 'baseline'),
    ];
    const report = run(arms, records, 'model:a');
    expect(arm(report, 'model:b').winRate).toBeCloseTo((0.75 + 0) / 2, 10);
    expect(arm(report, 'pattern:p').winRate).toBeCloseTo((1 + 0.5 + 0.5) / 3, 10);
    expect(arm(report, 'model:a')).toMatchObject({ winRate: 0.5, accuracy: null, judgeCostUsd: 0 });
    expect(arm(report, 'pattern:p').judgeCostUsd).toBeCloseTo(0.006, 10);

    expect(report.bestSingle).toBe('model:a');
    expect(arm(report, 'pattern:p').vsBest?.delta).toBeCloseTo(50 / 3, 10);
    expect(arm(report, 'model:b').vsBest?.delta).toBeCloseTo((25 - 50) / 2, 10);
    // The later o2/pattern:p/baselineFirst replaced the earlier: 12 judgements stand, 3 of them unreadable.
    expect(report).toMatchObject({ baseline: 'model:a', judgements: 12, unreadableVerdicts: 3 });
  });

  it('gives no arm 0.5 by definition when the baseline is the references', () => {
    const records = [...answers, { ...judgement('o1', 'model:b', 'armFirst', 'arm'), baselineArmId: 'reference' }];
    const report = run(arms, records, 'reference');
    expect(arm(report, 'model:a').winRate).toBeNull();
    expect(arm(report, 'model:b').winRate).toBe(1);
    expect(report.bestSingle).toBe('model:b');
  });

  it('compares by accuracy when scored and open items are mixed', () => {
    const records = [
      ...scores('model:a', [1, 0], 0.01),
      ...scores('model:b', [0, 0], 0.01),
      ...answers,
      judgement('o1', 'model:b', 'armFirst', 'arm'),
    ];
    const report = run(arms, records, 'model:a');
    expect(report.bestSingle).toBe('model:a');
    expect(arm(report, 'model:b')).toMatchObject({ accuracy: 0, winRate: 1, vsBest: { delta: -50 } });
  });
});
