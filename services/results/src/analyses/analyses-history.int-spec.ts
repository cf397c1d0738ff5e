import { randomUUID } from 'node:crypto';
import type { AnalysisPage, AnalysisStatus, ApiErrorBody } from '@ultra/contracts';
import { jsonRequest } from '../../../../test/support/http';
import { fourStagePattern } from '../testing/patterns';
import { answered, ResultsJobs, stageRecord } from '../testing/results-jobs';
import { analysisCommand, type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

let app: ResultsTestApp;
const userId = randomUUID();

interface Stored {
  pattern: string;
  models: string[];
  status: AnalysisStatus;
  createdAt: string;
  prompt: string;
  resultText?: string;
}

/** One user's history: what each filter picks from is known exactly. */
const history = {
  sky: {
    pattern: 'critique',
    models: ['mock:alpha', 'mock:beta'],
    status: 'completed',
    createdAt: '2025-01-01T10:00:00.000Z',
    prompt: 'Why is the sky blue?',
    resultText: 'Rayleigh scattering of sunlight, mostly.',
  },
  quote: {
    pattern: 'confidence',
    models: ['mock:beta', 'mock:gamma'],
    status: 'failed',
    createdAt: '2025-01-02T10:00:00.000Z',
    prompt: 'He said "hello, world" -- (then left); 50% of it?',
  },
  sort: {
    pattern: 'critique',
    models: ['mock:gamma'],
    status: 'running',
    createdAt: '2025-01-03T10:00:00.000Z',
    prompt: 'Compare quicksort and mergesort',
  },
  garden: {
    pattern: 'direct',
    models: ['mock:alpha'],
    status: 'queued',
    createdAt: '2025-01-04T10:00:00.000Z',
    prompt: 'Plan a small garden',
  },
} satisfies Record<string, Stored>;
type Name = keyof typeof history;
const ids = {} as Record<Name, string>;

async function store(user: string, analysis: Stored): Promise<string> {
  const command = analysisCommand({
    userId: user,
    prompt: analysis.prompt,
    models: analysis.models,
    ultraModel: analysis.models[0],
    pattern: analysis.pattern,
    patternSpec: fourStagePattern(analysis.pattern),
  });
  const created = await jsonRequest(app.url, 'POST', '/internal/analyses', { body: command });
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);
  await app.sql('UPDATE analyses SET status = $2, created_at = $3, result_text = $4 WHERE id = $1', [
    command.id,
    analysis.status,
    analysis.createdAt,
    analysis.resultText ?? null,
  ]);
  return command.id;
}

beforeAll(async () => {
  app = await startResultsTestApp();
  for (const name of Object.keys(history) as Name[]) ids[name] = await store(userId, history[name]);
  // Another user's analysis matching every filter must never show.
  await store(randomUUID(), { ...history.sky, createdAt: '2025-01-01T11:00:00.000Z' });
});

afterAll(async () => {
  await app?.close();
});

const list = (query: Record<string, string>) =>
  jsonRequest<AnalysisPage & ApiErrorBody>(
    app.url,
    'GET',
    `/internal/analyses?${new URLSearchParams({ userId, ...query }).toString()}`,
  );

/** The names of the analyses a filtered listing shows, newest first. */
async function listed(query: Record<string, string>): Promise<Name[]> {
  const page = await list(query);
  expect(page.status).toBe(200);
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name as Name]));
  return page.body.analyses.map((a) => byId.get(a.id) ?? (a.id as Name));
}

describe('GET /internal/analyses filters', () => {
  it.each<[string, Record<string, string>, Name[]]>([
    ['no filter', {}, ['garden', 'sort', 'quote', 'sky']],
    ['one status', { status: 'completed' }, ['sky']],
    ['a comma list of statuses', { status: 'queued,running' }, ['garden', 'sort']],
    ['pattern', { pattern: 'critique' }, ['sort', 'sky']],
    ['model (analyses that include it)', { model: 'mock:gamma' }, ['sort', 'quote']],
    ['from a date, inclusive', { from: '2025-01-03' }, ['garden', 'sort']],
    ['to a date, the whole day', { to: '2025-01-02' }, ['quote', 'sky']],
    ['from and to date-times', { from: '2025-01-02T10:00:00Z', to: '2025-01-03T10:00:00.000Z' }, ['sort', 'quote']],
    ['a date-time with an offset, inclusive', { to: '2025-01-02T12:00:00+02:00' }, ['quote', 'sky']],
    ['q: a word of the prompt', { q: 'quicksort' }, ['sort']],
    ['q: words of the final answer, any case', { q: 'RAYLEIGH Sunlight' }, ['sky']],
    ['q: a phrase', { q: '"hello world"' }, ['quote']],
    ['q: or', { q: 'garden or mergesort' }, ['garden', 'sort']],
    ['q: a word that is nowhere', { q: 'photosynthesis' }, []],
    ['combined', { status: 'completed,running', pattern: 'critique', model: 'mock:alpha', q: 'blue' }, ['sky']],
    ['combined, nothing left', { status: 'failed', pattern: 'critique' }, []],
  ])('%s', async (_, query, expected) => {
    expect(await listed(query)).toEqual(expected);
  });

  it.each([
    '"unbalanced',
    '"hello, world" -- (then left); 50% of it?',
    "'; DROP TABLE analyses; --",
    '& | ! :* <-> ()',
    '\\ % _ $1',
  ])('q %j: special characters and quotes never break the search', async (q) => {
    const page = await list({ q });
    expect(page.status).toBe(200);
    expect(Array.isArray(page.body.analyses)).toBe(true);
  });

  it('finds an answer once the analysis ends: the search column follows result_text', async () => {
    const id = await store(userId, { ...history.sort, prompt: 'Name a colour', createdAt: '2024-06-01T00:00:00Z' });
    expect(await list({ q: 'vermilion' })).toMatchObject({ status: 200, body: { analyses: [] } });
    await app.sql(`UPDATE analyses SET result_text = 'Vermilion, surely.' WHERE id = $1`, [id]);
    const found = await list({ q: 'vermilion' });
    expect(found.body.analyses.map((a) => a.id)).toEqual([id]);
    await app.sql('DELETE FROM analyses WHERE id = $1', [id]);
  });

  it('pages through a filtered listing with the cursor: every match once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list({
        model: 'mock:alpha',
        status: 'completed,queued,failed',
        limit: '1',
        ...(cursor && { cursor }),
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.analyses.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.garden, ids.sky]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['an unknown status', { status: 'done' }, 'status'],
    ['an empty status', { status: '' }, 'status'],
    ['a pattern that is no slug', { pattern: 'Not A Slug' }, 'pattern'],
    ['a model id without provider', { model: 'alpha' }, 'model'],
    ['a word for a date', { from: 'yesterday' }, 'from'],
    ['month 13', { to: '2025-13-01' }, 'to'],
    ['a date-time without seconds or zone', { to: '2025-01-02T10:00' }, 'to'],
    ['from after to', { from: '2025-01-03', to: '2025-01-02T23:59:59Z' }, 'from'],
    ['a blank q', { q: '   ' }, 'q'],
    ['a q too long', { q: 'x'.repeat(501) }, 'q'],
    ['a q with NUL', { q: 'nul\u0000' }, 'q'],
  ])('answers 400 validation_failed naming the field for %s', async (_, query, field) => {
    const refused = await list(query);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'validation_failed',
      details: [expect.objectContaining({ path: field })],
    });
  });
});

describe('DELETE /internal/analyses/:id?mode=', () => {
  const remove = (id: string, user: string, mode: string) =>
    jsonRequest<ApiErrorBody | string>(app.url, 'DELETE', `/internal/analyses/${id}?userId=${user}&mode=${mode}`);

  it('mode=ended deletes a completed or failed analysis, and refuses one that has not ended (409 analysis_running)', async () => {
    const done = await store(userId, { ...history.sky, status: 'failed' });
    expect((await remove(done, userId, 'ended')).status).toBe(204);
    expect(await app.sql('SELECT 1 FROM analyses WHERE id = $1', [done])).toEqual([]);

    for (const status of ['queued', 'running'] as const) {
      const id = await store(userId, { ...history.sort, status });
      const refused = await remove(id, userId, 'ended');
      expect(refused).toMatchObject({ status: 409, body: { error: { code: 'analysis_running' } } });
      expect(await app.sql('SELECT status FROM analyses WHERE id = $1', [id])).toEqual([{ status }]);
    }
  });

  it('mode=any deletes a running analysis with its runs and outputs; a late stage.record recreates nothing', async () => {
    const jobs = new ResultsJobs(app, userId);
    try {
      const envelope = await jobs.createAnalysis();
      await jobs.record(stageRecord(envelope, 'initial', 0, [answered('mock:alpha', 'initial')]));
      const id = envelope.analysisId;
      expect(await app.sql('SELECT status FROM analyses WHERE id = $1', [id])).toEqual([{ status: 'running' }]);

      expect(await remove(id, randomUUID(), 'any')).toMatchObject({ status: 404 });
      expect((await remove(id, userId, 'any')).status).toBe(204);
      expect(await app.sql('SELECT 1 FROM stage_outputs WHERE analysis_id = $1', [id])).toEqual([]);
      expect(await app.sql('SELECT 1 FROM stage_runs WHERE analysis_id = $1', [id])).toEqual([]);

      // What the orchestrator may still send for it fails once, for good, and stores nothing.
      const late = await jobs.addRecord(stageRecord(envelope, 'meta', 1, [answered('mock:alpha', 'meta')]));
      expect((await jobs.settled(late, 'failed')).failedReason).toBe(`analysis ${id} does not exist`);
      const code = 'cancelled';
      const terminate = await jobs.add('analysis.terminate', { ...envelope, code, message: 'cancelled' });
      expect((await jobs.settled(terminate, 'failed')).failedReason).toBe(`analysis ${id} does not exist`);
      expect(await app.sql('SELECT 1 FROM analyses WHERE id = $1', [id])).toEqual([]);
      expect(await app.sql('SELECT 1 FROM stage_outputs WHERE analysis_id = $1', [id])).toEqual([]);
    } finally {
      await jobs.close();
    }
  });

  it('refuses an unknown mode with 400 naming it', async () => {
    const refused = await remove(randomUUID(), userId, 'all');
    expect(refused).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', details: [expect.objectContaining({ path: 'mode' })] } },
    });
  });
});
