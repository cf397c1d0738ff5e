import type { AnalysisView, OutputView, StageView } from '@ultra/contracts';

/** Test data: analyses as GET /api/analyses/:id answers them, built small. */
export function output(model: string, text: string | null, extra: Partial<OutputView> = {}): OutputView {
  return {
    model,
    sample: 0,
    status: 'completed',
    text,
    latencyMs: 1200,
    usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.001 },
    ...extra,
  };
}

export function stage(id: string, index: number, outputs: OutputView[], extra: Partial<StageView> = {}): StageView {
  return {
    name: id,
    id,
    label: id[0].toUpperCase() + id.slice(1),
    kind: 'generate',
    index,
    round: 1,
    status: 'completed',
    outputs,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ...extra,
  };
}

export function analysis(extra: Partial<AnalysisView> = {}): AnalysisView {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    status: 'completed',
    pattern: 'council',
    models: ['mock:alpha', 'mock:beta'],
    ultraModel: 'mock:alpha',
    prompt: 'Why is the sky blue?',
    createdAt: '2025-01-31T12:00:00.000Z',
    updatedAt: '2025-01-31T12:00:10.000Z',
    completedAt: '2025-01-31T12:00:10.000Z',
    threadId: 'a1b2c3d4-0000-4000-8000-000000000001',
    parentAnalysisId: null,
    stages: [],
    result: { model: 'mock:alpha', text: 'Rayleigh scattering.', stage: 'chair' },
    usage: { inputTokens: 400, outputTokens: 200, costUsd: 0.004 },
    params: {},
    options: {},
    sourceAnalysisId: null,
    ...extra,
  };
}

/** A council analysis: answers, rankings (JSON), the Borda tally, the chair. */
export function councilAnalysis(): AnalysisView {
  const ranking = {
    ranking: [
      { model: 'mock:beta', points: 3, meanPosition: 1, votes: 2 },
      { model: 'mock:alpha', points: 1, meanPosition: 1.5, votes: 0 },
      { model: 'mock:gamma', points: 0, meanPosition: null, votes: 0 },
    ],
    voters: 2,
    unparsed: [{ model: 'mock:gamma', reason: 'its ranking names no other response' }],
    selfVotesIgnored: 0,
  };
  return analysis({
    models: ['mock:alpha', 'mock:beta', 'mock:gamma'],
    stages: [
      stage('answer', 0, [output('mock:alpha', 'Alpha answer'), output('mock:beta', 'Beta answer')]),
      stage('rank', 1, [output('mock:alpha', '{}', { data: { ranking: ['Response A'] } })]),
      stage('tally', 2, [], { kind: 'aggregate', label: 'Borda count', aggregate: ranking }),
      stage('chair', 3, [output('mock:alpha', 'Rayleigh scattering.')]),
    ],
    result: { model: 'mock:alpha', text: 'Rayleigh scattering.', stage: 'chair', ranking },
  });
}
