import { analysisEventsStream, type ModelCallJob, type PushEvent } from '@ultra/contracts';
import { eventually } from '../../../../test/support/eventually';
import { modelCall, startWorker, type WorkerHarness } from '../providers/testing/worker-test-kit';

const tools = [
  {
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

/** A direct call with tools, as the orchestrator sends it for a compatible-API client. */
function toolCall(model: string, overrides: Partial<ModelCallJob['options']> = {}): ModelCallJob {
  const call = modelCall(model);
  return { ...call, options: { stream: true, tools, toolChoice: 'auto', ...overrides } };
}

describe('model tasks with tools: the real worker, vendor SDKs and wire fakes, on real Redis', () => {
  let worker: WorkerHarness;

  beforeAll(async () => {
    worker = await startWorker(process.env, { RESPONSE_CACHE_TTL_S: '600' });
  });
  afterEach(() => worker.resetFakes());
  afterAll(() => worker?.stop());

  async function events(analysisId: string): Promise<PushEvent[]> {
    const entries = await worker.client.xrange(analysisEventsStream(worker.redis.prefix, analysisId), '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]) as PushEvent);
  }

  it.each([true, false])('completes with the tool call and empty text (stream: %s)', async (stream) => {
    const call = toolCall('openai:gpt-4o-mini', { stream, cache: false });
    const result = await worker.run(call);
    expect(result).toMatchObject({ status: 'completed', text: '', finishReason: 'tool_calls', error: null });
    expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    const body = worker.fakes.openai.toolRequests.at(-1)!.body as { tools: unknown[]; tool_choice: unknown };
    expect(body.tools).toHaveLength(1);
    expect(body.tool_choice).toBe('auto');
    if (!stream) return;
    // A streaming client learns the calls and why the answer stopped from output.completed.
    const completed = await eventually('output.completed', async () =>
      (await events(call.analysisId)).find((e) => e.type === 'output.completed'),
    );
    expect(completed).toMatchObject({ toolCalls: result.toolCalls, finishReason: 'tool_calls' });
  });

  it('caches answers per tool set: the same tools hit, another tool choice misses', async () => {
    const call = toolCall('anthropic:claude-haiku-4-5');
    const first = await worker.run(call);
    expect(first.toolCalls?.[0]).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    const again = await worker.run(call);
    expect(again).toMatchObject({ cached: true, toolCalls: first.toolCalls, finishReason: 'tool_use' });
    const other = await worker.run({ ...call, options: { ...call.options, toolChoice: 'required' } });
    expect(other.cached).toBeUndefined();
    expect(worker.fakes.anthropic.toolRequests).toHaveLength(2);
  });

  it('fails a google call with tools as invalid_request, naming the provider', async () => {
    const result = await worker.run(toolCall('google:gemini-3.5-flash-lite', { stream: false }));
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ category: 'invalid_request' });
    expect(result.error?.message).toContain('tools are not supported for provider google');
  });
});
