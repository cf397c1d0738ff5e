import { type AnalysisView, type AnalyzeAccepted, QueueName } from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

/** Generate runs per stage id, in order: `debate` → [3, 3, 3] for three rounds of three models. */
function runsByStage(view: AnalysisView): Record<string, number[]> {
  const runs: Record<string, number[]> = {};
  for (const s of view.stages) if (s.kind === 'generate') (runs[s.id] ??= []).push(s.outputs.length);
  return runs;
}

describe('the orchestrator crashes in the middle of a pattern', () => {
  let stack: TestStack;
  let user: ApiClient;
  let modelTasks: Queue;

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 1, env: { MOCK_LATENCY_MS: '400' } });
    user = await new ApiClient(stack.baseUrl).registerUser();
    modelTasks = new Queue(QueueName.ModelTasks, {
      connection: redisOptionsFromUrl(stack.env.REDIS_URL),
      prefix: stack.env.QUEUE_PREFIX,
    });
  });

  afterAll(async () => {
    await modelTasks?.close();
    await stack?.stop();
  });

  it('a new orchestrator picks the analyses up where they were, with every round stored once', async () => {
    const start = (pattern: string, params: Record<string, number> = {}) =>
      user.request<AnalyzeAccepted>('POST', '/api/analyze', {
        prompt: `Crash during ${pattern}`,
        models,
        pattern,
        params,
      });
    const [debate, council] = await Promise.all([start('debate', { rounds: 3, convergence: 1 }), start('council')]);
    // Kill it once the second stage's calls are in flight: the context of both analyses lives in Redis.
    await eventually('second-stage calls in flight', async () =>
      (await modelTasks.getJob(`${debate.body.id}_1_0`)) ? true : undefined,
    );
    await stack.crashAndRestart('orchestrator');

    const [debated, counselled] = await Promise.all([
      user.waitForAnalysis(debate.body.id, 60_000),
      user.waitForAnalysis(council.body.id, 60_000),
    ]);
    expect(debated.status).toBe('completed');
    expect(runsByStage(debated)).toEqual({ opening: [3], debate: [3, 3, 3], judge: [1] });
    expect(debated.stages.filter((s) => s.id === 'debate').map((s) => s.round)).toEqual([1, 2, 3]);
    expect(counselled.status).toBe('completed');
    expect(counselled.result!.ranking).toMatchObject({ voters: 3 });
    // Every run stored once, numbered without a gap or a repeat.
    for (const view of [debated, counselled]) {
      expect(view.stages.map((s) => s.index)).toEqual(view.stages.map((_, i) => i));
    }
  });
});
