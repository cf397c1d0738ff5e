import { QueueName, type AnalysisView, type AnalyzeAccepted } from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

/** Resolves once `count` model tasks are being processed, i.e. held by a worker. */
async function activeTasks(queue: Queue, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queue.getActiveCount()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} active model tasks after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function outputCounts(view: AnalysisView): Record<string, number> {
  return Object.fromEntries(view.stages.map((s) => [s.name, s.outputs.length]));
}

describe('provider-worker failures and shutdown', () => {
  let stack: TestStack;
  let user: ApiClient;
  let modelTasks: Queue;

  beforeAll(async () => {
    // Short locks so a dead worker's tasks are handed over within about a second.
    stack = await TestStack.start({
      workers: 1,
      env: { MOCK_LATENCY_MS: '1500', WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500' },
    });
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

  it('completes an analysis without duplicate outputs when a worker is killed mid-task', async () => {
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Survive a crash',
      models,
      pattern: 'critique',
    });
    expect(res.status).toBe(202);
    await activeTasks(modelTasks, 3);
    const victim = stack.workers[0];
    await victim.kill('SIGKILL');
    expect(victim.count((l) => l.msg === 'model call completed')).toBe(0);

    stack.addWorker({ MOCK_LATENCY_MS: '20' });
    const done = await user.waitForAnalysis(res.body.id, 30_000);
    expect(done.status).toBe('completed');
    expect(outputCounts(done)).toEqual({ initial: 3, meta: 3, hyper: 3, ultra: 1 });
    expect(done.stages.flatMap((s) => s.outputs).every((o) => o.status === 'completed')).toBe(true);
  });

  it('finishes the tasks it holds before exiting on SIGTERM', async () => {
    const slow = stack.addWorker({ MOCK_LATENCY_MS: '1500' });
    await slow.ready();
    // Leave the slow worker alone on the queue so it surely holds the tasks.
    for (const worker of stack.workers.filter((w) => w !== slow)) await worker.kill('SIGTERM');
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Graceful',
      models,
      pattern: 'critique',
    });
    await activeTasks(modelTasks, 3);
    const exitCode = slow.kill('SIGTERM');
    expect(await exitCode).toBe(0);
    expect(slow.count((l) => l.msg === 'model call completed')).toBe(3);

    stack.addWorker({ MOCK_LATENCY_MS: '20' });
    const done = await user.waitForAnalysis(res.body.id, 30_000);
    expect(done.status).toBe('completed');
    expect(done.stages[0].outputs.every((o) => o.status === 'completed' && o.latencyMs >= 1499)).toBe(true);
    expect(outputCounts(done)).toEqual({ initial: 3, meta: 3, hyper: 3, ultra: 1 });
  });
});
