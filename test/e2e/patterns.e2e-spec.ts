import type { AnalysisEstimate, AnalysisView, AnalyzeAccepted, PatternInfo, StageView } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { OTHER_BUILTIN_PATTERNS, SEED_PATTERNS } from '../support/builtin-patterns';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];
const SEED = SEED_PATTERNS;
const BEYOND = OTHER_BUILTIN_PATTERNS;

const outputsOf = (view: AnalysisView, stage: string) =>
  view.stages.filter((s) => s.id === stage && s.index !== null).flatMap((s) => s.outputs);
const runsOf = (view: AnalysisView, stage: string): StageView[] =>
  view.stages.filter((s) => s.id === stage && s.index !== null);

describe('every built-in pattern through gateway → orchestrator → provider-workers → results', () => {
  let stack: TestStack;
  let user: ApiClient;
  const ran = new Map<string, AnalysisView>();

  async function run(body: Record<string, unknown>): Promise<AnalysisView> {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', { models, ...body });
    if (accepted.status !== 202)
      throw new Error(`analyze answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
    return user.waitForAnalysis(accepted.body.id, 60_000);
  }

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 2, env: { MOCK_LATENCY_MS: '5' } });
    user = await new ApiClient(stack.baseUrl).registerUser();
    const views = await Promise.all(
      [...SEED, ...BEYOND].map(
        async (pattern) => [pattern, await run({ prompt: `What causes tides? (${pattern})`, pattern })] as const,
      ),
    );
    for (const [pattern, view] of views) ran.set(pattern, view);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists at least the 17 built-ins with descriptions, parameters and stages', async () => {
    const res = await user.request<{ patterns: PatternInfo[] }>('GET', '/api/patterns');
    expect(res.status).toBe(200);
    const ids = res.body.patterns.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([...SEED, ...BEYOND]));
    for (const pattern of res.body.patterns) {
      expect(pattern.description.length).toBeGreaterThan(40);
      expect(pattern.stages.length).toBeGreaterThan(0);
      expect(pattern.source).toBe('builtin');
    }
    expect(res.body.patterns.find((p) => p.id === 'moa')!.params.layers).toMatchObject({ default: 2 });
  });

  it.each([...SEED, ...BEYOND])('%s completes with an answer', (pattern) => {
    const view = ran.get(pattern)!;
    expect(view).toMatchObject({ status: 'completed', pattern });
    expect(view.result?.text.length).toBeGreaterThan(20);
    expect(view.stages.every((s) => s.index !== null)).toBe(true);
    expect(view.usage.outputTokens).toBeGreaterThan(0);
  });

  it.each(SEED)('%s runs initial → meta → hyper → ultra', (pattern) => {
    const view = ran.get(pattern)!;
    const generate = view.stages.filter((s) => s.kind === 'generate').map((s) => [s.id, s.outputs.length]);
    expect(generate).toEqual([
      ['initial', 3],
      ['meta', 3],
      ['hyper', 3],
      ['ultra', 1],
    ]);
    expect(view.result).toMatchObject({ stage: 'ultra', model: 'mock:alpha' });
  });

  it('confidence carries the agreement of the reviews as data', () => {
    const view = ran.get('confidence')!;
    const agreement = view.result!.agreement as { points: { claim: string; models: string[]; level: string }[] };
    expect(agreement.points.length).toBeGreaterThan(0);
    expect(agreement.points.some((p) => p.models.length >= 2)).toBe(true);
    expect(outputsOf(view, 'meta').every((o) => o.data && Array.isArray(o.data.claims))).toBe(true);
  });

  it('council ranks the answers anonymously and carries the ranking as data', () => {
    const view = ran.get('council')!;
    const ranking = view.result!.ranking as { ranking: { model: string; points: number }[]; voters: number };
    expect(ranking.voters).toBe(3);
    expect(ranking.ranking.map((r) => r.model).sort()).toEqual([...models].sort());
    const tally = view.stages.find((s) => s.kind === 'aggregate')!;
    expect(tally.aggregate).toEqual(ranking);
  });

  it('vote answers with the winning answer and carries the tally', () => {
    const view = ran.get('vote')!;
    const votes = view.result!.votes as { winner: string; tally: { model: string; votes: number }[] };
    expect(votes.tally.reduce((n, t) => n + t.votes, 0)).toBe(3);
    expect(view.result!.model).toBe(votes.winner);
    const answer = outputsOf(view, view.result!.stage).find((o) => o.model === votes.winner)!;
    expect(view.result!.text).toBe(answer.text);
  });

  it('fact_check gives a verdict and confidence per claim as data', () => {
    const verdicts = ran.get('fact_check')!.result!.verdicts as { verdict: string; confidence: number }[];
    expect(verdicts.length).toBeGreaterThan(0);
    for (const v of verdicts) expect(['verified', 'flagged', 'uncertain']).toContain(v.verdict);
  });

  it('moa stores every output of every layer', async () => {
    const view = await run({ prompt: 'Three layers, please.', pattern: 'moa', params: { layers: 3 } });
    expect(view.status).toBe('completed');
    const layers = view.stages.filter((s) => s.kind === 'generate' && s.outputs.length === 3);
    expect(layers).toHaveLength(3);
    expect(new Set(layers.map((s) => s.index)).size).toBe(3);
    expect(layers.flatMap((s) => s.outputs).every((o) => o.status === 'completed')).toBe(true);
  });

  it('debate stores each round as its own run', () => {
    const view = ran.get('debate')!;
    const rounds = view.stages.filter((s) => s.kind === 'generate' && s.outputs.length === 3 && s.round > 0);
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    const debate = rounds.filter((s) => s.id === rounds.at(-1)!.id);
    expect(debate.map((s) => s.round)).toEqual(debate.map((_, i) => i + 1));
  });

  it('self_moa samples one model several times, each sample its own output', () => {
    const view = ran.get('self_moa')!;
    const sampled = view.stages.find((s) => s.kind === 'generate')!;
    expect(sampled.outputs.map((o) => [o.model, o.sample])).toEqual([0, 1, 2, 3].map((i) => ['mock:alpha', i]));
    expect(new Set(sampled.outputs.map((o) => o.text)).size).toBeGreaterThan(1);
  });

  it('cascade answers alone when confident and runs the panel when not', async () => {
    const [sure, unsure] = await Promise.all([
      run({ prompt: 'Easy one. mock-confidence=0.95', pattern: 'cascade' }),
      run({ prompt: 'Hard one. mock-confidence=0.2', pattern: 'cascade' }),
    ]);
    expect(sure.result!.stage).toBe('first');
    expect(sure.stages.filter((s) => s.kind === 'skipped').length).toBeGreaterThan(0);
    expect(sure.stages.flatMap((s) => s.outputs)).toHaveLength(1);
    expect(unsure.result!.stage).not.toBe('first');
    expect(unsure.stages.filter((s) => s.kind === 'skipped')).toHaveLength(0);
  });

  it('direct makes one call', () => {
    const view = ran.get('direct')!;
    expect(view.stages.flatMap((s) => s.outputs)).toHaveLength(1);
  });

  it('estimates within its stated bounds of the mock’s real token counts', async () => {
    for (const pattern of ['critique', 'council', 'moa', 'direct']) {
      const view = ran.get(pattern)!;
      const estimate = await user.request<AnalysisEstimate>('POST', '/api/analyze/estimate', {
        prompt: view.prompt,
        models,
        pattern,
      });
      expect(estimate.status).toBe(200);
      const { total } = estimate.body;
      const calls = view.stages.reduce((n, s) => n + s.outputs.length, 0);
      expect(estimate.body.calls).toBe(calls);
      expect(view.usage.outputTokens).toBeGreaterThanOrEqual(total.outputTokens.low);
      expect(view.usage.outputTokens).toBeLessThanOrEqual(total.outputTokens.high);
      expect(view.usage.inputTokens).toBeGreaterThanOrEqual(total.inputTokens.low);
      expect(view.usage.inputTokens).toBeLessThanOrEqual(total.inputTokens.high);
    }
  });

  it('runs a pattern a user registered through the API, from YAML', async () => {
    const yaml = [
      'id: two-step',
      'name: Two step',
      'description: Every model answers, then the ultra model picks the best parts.',
      'stages:',
      '  - id: answer',
      '    label: Answers',
      '    kind: generate',
      '    participants: all',
      '    prompt: { user: "{{question}}" }',
      '  - id: pick',
      '    label: Pick',
      '    kind: generate',
      '    participants: ultra',
      '    prompt: { user: "{{question}}\\n\\n{{all.answer}}\\n\\nKeep the best parts." }',
    ].join('\n');
    const created = await user.request('POST', '/api/patterns', yaml, { 'content-type': 'application/yaml' });
    expect(created.status).toBe(201);
    const view = await run({ prompt: 'Why is the sea salty?', pattern: 'two-step' });
    expect(view).toMatchObject({ status: 'completed', pattern: 'two-step', result: { stage: 'pick' } });
    expect(runsOf(view, 'answer')[0].outputs).toHaveLength(3);
    const other = await new ApiClient(stack.baseUrl).registerUser();
    const refused = await other.request('POST', '/api/analyze', { prompt: 'x', models, pattern: 'two-step' });
    expect(refused.status).toBe(400);
  });
});
