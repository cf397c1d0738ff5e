import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type AnalysisView,
  type AnalyzeAccepted,
  analysisEventsStream,
  type ModelInfo,
  modelCatalogSchema,
} from '@ultra/contracts';
import {
  FakeAnthropicServer,
  FakeGeminiServer,
  FakeMistralServer,
  FakeOpenAiServer,
  type FakeVendorServer,
} from '@ultra/fake-llm';
import { Redis } from 'ioredis';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

const catalog = modelCatalogSchema.parse(
  JSON.parse(readFileSync(resolve(__dirname, '../../config/models.json'), 'utf8')),
);
const priceOf = (id: string) => catalog.models.find((m) => m.id === id)?.pricing;

/** Every vendor answers with these token counts, so each output's cost follows from the catalog's prices. */
const USAGE = { inputTokens: 1_000, outputTokens: 500 };
const models = [
  'openai:gpt-4o-mini',
  'anthropic:claude-haiku-4-5',
  'google:gemini-3.5-flash-lite',
  'mistral:mistral-small-latest',
  'ollama:llama3.2',
];

describe('an analysis across all four vendors and an OpenAI-compatible server, through the real SDKs', () => {
  const openai = new FakeOpenAiServer();
  const anthropic = new FakeAnthropicServer();
  const gemini = new FakeGeminiServer();
  const mistral = new FakeMistralServer();
  const ollama = new FakeOpenAiServer();
  const fakes: FakeVendorServer[] = [openai, anthropic, gemini, mistral, ollama];
  let stack: TestStack;
  let user: ApiClient;

  beforeAll(async () => {
    await Promise.all(fakes.map((f) => f.listen(0)));
    for (const fake of fakes) fake.reply((req) => ({ text: `${fake.vendor} answered ${req.path}.`, usage: USAGE }));
    const dir = mkdtempSync(join(tmpdir(), 'ultra-providers-'));
    const providersFile = join(dir, 'providers.json');
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: [
          {
            id: 'ollama',
            displayName: 'Ollama',
            baseUrl: `${ollama.url}/v1`,
            models: [{ name: 'llama3.2', pricing: { inputPerMTok: 0.1, outputPerMTok: 0.2 } }],
          },
        ],
      }),
    );
    stack = await TestStack.start({
      workers: 1,
      env: {
        OPENAI_API_KEY: 'sk-test-openai',
        OPENAI_BASE_URL: `${openai.url}/v1`,
        ANTHROPIC_API_KEY: 'sk-test-anthropic',
        ANTHROPIC_BASE_URL: anthropic.url,
        GOOGLE_API_KEY: 'test-google',
        GOOGLE_BASE_URL: gemini.url,
        MISTRAL_API_KEY: 'test-mistral',
        MISTRAL_BASE_URL: mistral.url,
        ULTRA_PROVIDERS_FILE: providersFile,
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all(fakes.map((f) => f.close()));
  });

  it('lists the configured providers as ready', async () => {
    const res = await user.request<{ models: ModelInfo[] }>('GET', '/api/available-models');
    const status = Object.fromEntries(res.body.models.map((m) => [m.id, m.status]));
    for (const id of models) expect(status[id]).toBe('ready');
  });

  it('completes with every vendor’s answer, usage and cost, and streams deltas to Redis', async () => {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Compare the vendors',
      models,
      pattern: 'critique',
    });
    expect(accepted.status).toBe(202);
    const done: AnalysisView = await user.waitForAnalysis(accepted.body.id, 60_000);
    expect(done.status).toBe('completed');
    expect(done.stages.map((s) => s.outputs.length)).toEqual([5, 5, 5, 1]);

    const initial = done.stages[0].outputs;
    for (const output of initial) {
      expect(output).toMatchObject({ status: 'completed', usage: { inputTokens: 1_000, outputTokens: 500 } });
      const price =
        output.model === 'ollama:llama3.2' ? { inputPerMTok: 0.1, outputPerMTok: 0.2 } : priceOf(output.model)!;
      expect(output.usage.costUsd).toBeCloseTo((1_000 * price.inputPerMTok + 500 * price.outputPerMTok) / 1e6, 10);
    }
    expect(initial.map((o) => o.text)).toEqual([
      expect.stringContaining('openai answered'),
      expect.stringContaining('anthropic answered'),
      expect.stringContaining('gemini answered'),
      expect.stringContaining('mistral answered'),
      expect.stringContaining('openai answered'),
    ]);
    const all = done.stages.flatMap((s) => s.outputs);
    const total = all.reduce((sum, o) => sum + (o.usage.costUsd ?? 0), 0);
    expect(done.usage.costUsd).toBeCloseTo(total, 8);
    expect(done.usage.inputTokens).toBe(16 * 1_000);

    // Each SDK really streamed: the analysis' delta stream has text and an end marker per model and stage.
    const redis = new Redis(stack.env.REDIS_URL);
    try {
      const key = analysisEventsStream(stack.env.QUEUE_PREFIX, done.id);
      const read = async () =>
        (await redis.xrange(key, '-', '+')).map(([, f]) => JSON.parse(f[1]) as Record<string, unknown>);
      // End events are written just after each answer returns, so the last may trail the analysis a little.
      const fields = await eventually('an end event per model call', async () => {
        const entries = await read();
        return entries.filter((f) => f.type === 'output.completed').length === 16 ? entries : undefined;
      });
      const initialText = (model: string) =>
        fields
          .filter((f) => f.type === 'output.delta' && f.stage === 'initial' && f.model === model && f.attempt === 1)
          .map((f) => f.text)
          .join('');
      for (const output of initial) expect(initialText(output.model)).toBe(output.text);
    } finally {
      redis.disconnect();
    }
    // The SDKs asked each fake for a streamed answer.
    expect(openai.requests.some((r) => (r.body as { stream?: boolean }).stream === true)).toBe(true);
    expect(gemini.requests.some((r) => r.path.includes('streamGenerateContent'))).toBe(true);
  });

  it('records a vendor’s failure with its category and goes on with the others', async () => {
    anthropic.replyOnce({ status: 401, errorMessage: 'invalid x-api-key' });
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'One vendor refuses',
      models: ['anthropic:claude-haiku-4-5', 'openai:gpt-4o-mini'],
    });
    const done = await user.waitForAnalysis(accepted.body.id, 60_000);
    expect(done.status).toBe('completed');
    expect(done.stages[0].outputs[0]).toMatchObject({
      model: 'anthropic:claude-haiku-4-5',
      status: 'failed',
      error: { category: 'auth', message: expect.stringContaining('anthropic:claude-haiku-4-5') },
    });
    expect(done.result?.model).toBe('openai:gpt-4o-mini');
  });

  it('refuses, at submit, a model its OpenAI-compatible server does not declare', async () => {
    const res = await user.request('POST', '/api/analyze', {
      prompt: 'x',
      models: ['openai:gpt-4o', 'ollama:unknown'],
    });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'unknown_model' } } });
  });
});
