import { randomUUID } from 'node:crypto';
import type { AnalysisPage, AnalysisView, AnalyzeAccepted, ApiErrorBody } from '@ultra/contracts';
import { QueueName } from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

describe('history: filters and delete', () => {
  let stack: TestStack;
  let alice: ApiClient;
  let bob: ApiClient;
  let db: Client;
  let results: Queue;
  /** Alice's ended analyses, by name. */
  const done: Record<'sky' | 'quote' | 'sort', AnalysisView> = {} as never;

  const analyze = async (client: ApiClient, body: Record<string, unknown>) => {
    const res = await client.request<AnalyzeAccepted>('POST', '/api/analyze', body);
    expect(res.status).toBe(202);
    return res.body.id;
  };
  const list = (query: Record<string, string>, client = alice) =>
    client.request<AnalysisPage & ApiErrorBody>('GET', `/api/analyses?${new URLSearchParams(query).toString()}`);
  const listedIds = async (query: Record<string, string>, client = alice) => {
    const page = await list(query, client);
    expect(page.status).toBe(200);
    return page.body.analyses.map((a) => a.id);
  };
  const rowsOf = async (id: string) => ({
    analyses: (await db.query('SELECT 1 FROM analyses WHERE id = $1', [id])).rowCount ?? 0,
    runs: (await db.query('SELECT 1 FROM stage_runs WHERE analysis_id = $1', [id])).rowCount ?? 0,
    outputs: (await db.query('SELECT 1 FROM stage_outputs WHERE analysis_id = $1', [id])).rowCount ?? 0,
  });

  beforeAll(async () => {
    // Slow models (each stage takes ~1 s), so an analysis of four stages is still running when deleted. A short
    // cancel grace, so the delayed terminate a cancel adds runs within the test.
    stack = await TestStack.start({ workers: 1, env: { MOCK_LATENCY_MS: '1000', CANCEL_GRACE_MS: '500' } });
    alice = await new ApiClient(stack.baseUrl).registerUser();
    bob = await new ApiClient(stack.baseUrl).registerUser();
    db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    results = new Queue(QueueName.Results, {
      connection: redisOptionsFromUrl(stack.env.REDIS_URL),
      prefix: stack.env.QUEUE_PREFIX,
    });
    // One after the other, so their created_at differ and the from/to filters can pick one.
    const sky = await analyze(alice, { prompt: 'Why is the sky blue?', models: ['mock:alpha'], pattern: 'direct' });
    const quote = await analyze(alice, {
      prompt: 'He said "hello, world" -- (then left); 50% of it?',
      models: ['mock:beta'],
      pattern: 'direct',
    });
    const sort = await analyze(alice, {
      prompt: 'Compare quicksort and mergesort',
      models: ['mock:alpha', 'mock:gamma'],
      pattern: 'critique',
    });
    await analyze(bob, { prompt: 'Why is the sky blue?', models: ['mock:alpha'], pattern: 'direct' });
    done.sky = await alice.waitForAnalysis(sky);
    done.quote = await alice.waitForAnalysis(quote);
    done.sort = await alice.waitForAnalysis(sort);
  });

  afterAll(async () => {
    await results?.close();
    await db?.end();
    await stack?.stop();
  });

  describe('GET /api/analyses filters', () => {
    it('filters by status, pattern, model and created time, each and combined', async () => {
      const { sky, quote, sort } = done;
      expect(await listedIds({ status: 'completed' })).toEqual([sort.id, quote.id, sky.id]);
      expect(await listedIds({ status: 'queued,running' })).toEqual([]);
      expect(await listedIds({ pattern: 'direct' })).toEqual([quote.id, sky.id]);
      expect(await listedIds({ model: 'mock:alpha' })).toEqual([sort.id, sky.id]);
      expect(await listedIds({ from: quote.createdAt, to: quote.createdAt })).toEqual([quote.id]);
      expect(await listedIds({ from: quote.createdAt })).toEqual([sort.id, quote.id]);
      expect(await listedIds({ to: sky.createdAt.slice(0, 10) })).toContain(sky.id);
      expect(await listedIds({ status: 'completed', pattern: 'direct', model: 'mock:alpha' })).toEqual([sky.id]);
      expect(await listedIds({ status: 'failed', pattern: 'direct' })).toEqual([]);
    });

    it('q searches the prompts and the final answers (Postgres full text), only the caller’s', async () => {
      const { sky, quote, sort } = done;
      expect(await listedIds({ q: 'quicksort' })).toEqual([sort.id]);
      expect(await listedIds({ q: '"hello world"' })).toEqual([quote.id]);
      expect(await listedIds({ q: 'SKY', pattern: 'direct' })).toEqual([sky.id]);
      // A word of the final answer that the question does not have.
      const words = (text: string): string[] => text.toLowerCase().match(/[a-z]{6,}/g) ?? [];
      const word = words(sky.result?.text ?? '').find((w) => !words(sky.prompt).includes(w));
      expect(word).toBeDefined();
      const found = await listedIds({ q: word ?? '' });
      expect(found).toContain(sky.id);
      for (const id of found) {
        const analysis = Object.values(done).find((a) => a.id === id);
        expect(words(`${analysis?.prompt} ${analysis?.result?.text}`)).toContain(word);
      }
      expect(await listedIds({ q: 'sky' }, bob)).toHaveLength(1);
      expect(await listedIds({ q: 'quicksort' }, bob)).toEqual([]);
    });

    it.each([quotePrompt(), '"unbalanced', "it's -- ; DROP TABLE analyses", '<-> & | ! :* ()'])(
      'q %j with quotes and special characters answers 200',
      async (q) => {
        expect((await list({ q })).status).toBe(200);
      },
    );

    it('pages a filtered listing with the cursor, every match once', async () => {
      const first = await list({ pattern: 'direct', limit: '1' });
      expect(first.body.analyses.map((a) => a.id)).toEqual([done.quote.id]);
      const second = await list({ pattern: 'direct', limit: '1', cursor: first.body.nextCursor ?? '' });
      expect(second.body.analyses.map((a) => a.id)).toEqual([done.sky.id]);
      expect(second.body.nextCursor).toBeNull();
      // Each listed analysis carries its stored totals, the same as its full view.
      expect(done.quote.usage.inputTokens).toBeGreaterThan(0);
      expect(first.body.analyses[0]?.usage).toEqual(done.quote.usage);
      expect(second.body.analyses[0]?.usage).toEqual(done.sky.usage);
    });

    it.each<[Record<string, string>, string]>([
      [{ status: 'done' }, 'status'],
      [{ pattern: 'Not A Slug' }, 'pattern'],
      [{ model: 'alpha' }, 'model'],
      [{ from: 'last week' }, 'from'],
      [{ from: '2025-02-01', to: '2025-01-31' }, 'from'],
      [{ q: ' ' }, 'q'],
      [{ limit: '0' }, 'limit'],
    ])('%j → 400 validation_failed naming %s', async (query, field) => {
      const refused = await list(query);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({
        code: 'validation_failed',
        details: [expect.objectContaining({ path: field })],
      });
    });
  });

  describe('DELETE /api/analyses/:id', () => {
    it('deletes an ended analysis with its stage runs and outputs: 204, then 404 and out of the list', async () => {
      const id = done.sort.id;
      expect(await rowsOf(id)).toMatchObject({ analyses: 1, runs: 4, outputs: expect.any(Number) });
      expect((await bob.request('DELETE', `/api/analyses/${id}`)).status).toBe(404);

      expect((await alice.request('DELETE', `/api/analyses/${id}`)).status).toBe(204);
      expect((await alice.request('GET', `/api/analyses/${id}`)).status).toBe(404);
      expect(await listedIds({})).not.toContain(id);
      expect(await rowsOf(id)).toEqual({ analyses: 0, runs: 0, outputs: 0 });
      expect((await alice.request('DELETE', `/api/analyses/${id}`)).status).toBe(404);
      expect((await alice.request('DELETE', `/api/analyses/${randomUUID()}`)).status).toBe(404);
    });

    it('refuses a queued or running analysis (409 analysis_running); ?cancel=1 cancels it, deletes it, and it stays gone', async () => {
      const id = await analyze(alice, {
        prompt: 'A long one',
        models: ['mock:alpha', 'mock:beta'],
        pattern: 'critique',
      });
      // Queued or already running: either way it has not ended.
      const early = await alice.request<ApiErrorBody>('DELETE', `/api/analyses/${id}`);
      expect(early).toMatchObject({ status: 409, body: { error: { code: 'analysis_running' } } });
      await eventually('the analysis to run its first stage', async () => (await rowsOf(id)).runs > 0);
      const running = await alice.request<ApiErrorBody>('DELETE', `/api/analyses/${id}`);
      expect(running).toMatchObject({ status: 409, body: { error: { code: 'analysis_running' } } });
      expect((await alice.request<AnalysisView>('GET', `/api/analyses/${id}`)).body.status).toBe('running');

      expect((await bob.request('DELETE', `/api/analyses/${id}?cancel=1`)).status).toBe(404);
      expect((await alice.request('DELETE', `/api/analyses/${id}?cancel=1`)).status).toBe(204);
      expect((await alice.request('GET', `/api/analyses/${id}`)).status).toBe(404);
      expect(await rowsOf(id)).toEqual({ analyses: 0, runs: 0, outputs: 0 });

      // What still comes for it (the orchestrator's cancelled finish, the cancel's delayed terminate) brings nothing
      // back: arriving after the delete, it fails once, for good, finding no analysis.
      for (const jobId of [`${id}_finish`, `${id}_cancel`]) {
        const state = await eventually(
          `${jobId} to settle`,
          async () => {
            const now = await results.getJobState(jobId);
            return (now === 'failed' || now === 'completed') && now;
          },
          { timeoutMs: 20_000 },
        );
        if (state === 'failed') {
          expect((await results.getJob(jobId))?.failedReason).toBe(`analysis ${id} does not exist`);
        }
      }
      expect(await rowsOf(id)).toEqual({ analyses: 0, runs: 0, outputs: 0 });
      expect((await alice.request('GET', `/api/analyses/${id}`)).status).toBe(404);
    });

    it('?cancel=1 on an ended analysis simply deletes it; a bad cancel value is 400 naming cancel', async () => {
      const refused = await alice.request<ApiErrorBody>('DELETE', `/api/analyses/${done.quote.id}?cancel=yes`);
      expect(refused).toMatchObject({
        status: 400,
        body: { error: { code: 'validation_failed', details: [expect.objectContaining({ path: 'cancel' })] } },
      });
      expect((await alice.request('DELETE', `/api/analyses/${done.quote.id}?cancel=1`)).status).toBe(204);
      expect(await rowsOf(done.quote.id)).toEqual({ analyses: 0, runs: 0, outputs: 0 });
    });
  });
});

function quotePrompt(): string {
  return 'He said "hello, world" -- (then left); 50% of it?';
}
