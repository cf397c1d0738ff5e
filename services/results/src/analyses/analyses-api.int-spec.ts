import { randomUUID } from 'node:crypto';
import type { AnalysisPage, AnalysisSource, AnalysisSummary, AnalysisView } from '@ultra/contracts';
import { jsonRequest, type JsonResponse } from '../../../../test/support/http';
import { fourStagePattern, mixedPattern } from '../testing/patterns';
import { analysisCommand as command, type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

let app: ResultsTestApp;

beforeAll(async () => {
  app = await startResultsTestApp();
});

afterAll(async () => {
  await app?.close();
});

const get = <T>(path: string) => jsonRequest<T>(app.url, 'GET', path);
const create = (body: unknown) => jsonRequest<AnalysisView>(app.url, 'POST', '/internal/analyses', { body });

describe('internal analyses API', () => {
  it('reports Redis and Postgres up', async () => {
    const health = await get('/internal/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', checks: { redis: 'up', database: 'up' } });
  });

  it('answers the liveness and readiness probes, readiness with its queue workers consuming', async () => {
    expect(await get('/internal/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await get('/internal/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { redis: 'up', database: 'up', consuming: 'up' } });
  });

  it('creates a queued analysis that is readable right away', async () => {
    const cmd = command();
    const created = await create(cmd);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: cmd.id,
      status: 'queued',
      pattern: 'critique',
      models: cmd.models,
      ultraModel: cmd.ultraModel,
      prompt: cmd.prompt,
      completedAt: null,
      result: null,
      usage: { inputTokens: 0, outputTokens: 0 },
      params: {},
      options: {},
      sourceAnalysisId: null,
    });
    expect(created.body.stages.map((s) => [s.name, s.status])).toEqual([
      ['initial', 'pending'],
      ['meta', 'pending'],
      ['hyper', 'pending'],
      ['ultra', 'pending'],
    ]);
    expect(created.body.stages[0]).toEqual({
      name: 'initial',
      id: 'initial',
      label: 'Initial',
      kind: 'generate',
      index: null,
      round: 1,
      status: 'pending',
      outputs: [],
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    });

    const read = await get<AnalysisView>(`/internal/analyses/${cmd.id}?userId=${cmd.userId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('answers a repeated create with the existing analysis, and refuses the id to another user', async () => {
    const cmd = command();
    const first = await create(cmd);
    const again = await create({ ...cmd, requestId: 'a-retry' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const other = await create({ ...cmd, userId: randomUUID() });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ error: { code: 'analysis_id_taken', message: expect.any(String) } });
  });

  it('answers a create with Prefer: return=minimal with just the id, and the same outcomes', async () => {
    const minimal = (body: unknown) =>
      jsonRequest(app.url, 'POST', '/internal/analyses', { body, headers: { prefer: 'return=minimal' } });
    const cmd = command();
    const created = await minimal(cmd);
    expect({ status: created.status, body: created.body }).toEqual({ status: 201, body: { id: cmd.id } });
    expect(created.headers.get('preference-applied')).toBe('return=minimal');
    const read = await get<AnalysisView>(`/internal/analyses/${cmd.id}?userId=${cmd.userId}`);
    expect(read.body).toMatchObject({ id: cmd.id, status: 'queued', prompt: cmd.prompt, models: cmd.models });

    const again = await minimal({ ...cmd, requestId: 'a-retry' });
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: { id: cmd.id } });
    const other = await minimal({ ...cmd, userId: randomUUID() });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ error: { code: 'analysis_id_taken', message: expect.any(String) } });
    // Any other preference leaves the full answer.
    const full = await jsonRequest<AnalysisView>(app.url, 'POST', '/internal/analyses', {
      body: command(),
      headers: { prefer: 'return=representation' },
    });
    expect(full.body.stages).toHaveLength(4);
  });

  it('stores the pattern document, parameters, options and the analysis a rerun comes from', async () => {
    const source = command({ patternSpec: mixedPattern(), pattern: 'mixed' });
    await create(source);
    const rerun = command({
      userId: source.userId,
      pattern: 'mixed',
      patternSpec: mixedPattern(),
      params: { rounds: 3 },
      options: { temperature: 0.2, quorum: 2 },
      sourceAnalysisId: source.id,
    });
    const created = await create(rerun);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      pattern: 'mixed',
      params: { rounds: 3 },
      options: { temperature: 0.2, quorum: 2 },
      sourceAnalysisId: source.id,
    });
    expect(created.body.stages.map((s) => [s.id, s.kind])).toEqual([
      ['answer', 'generate'],
      ['tally', 'aggregate'],
      ['check', 'generate'],
      ['chair', 'generate'],
    ]);
    const [row] = await app.sql<{ pattern_spec: unknown }>('SELECT pattern_spec FROM analyses WHERE id = $1', [
      rerun.id,
    ]);
    expect(row?.pattern_spec).toEqual(mixedPattern());
  });

  it('refuses a rerun of an analysis that is not the user’s, and a pattern document that is not one', async () => {
    const others = command();
    await create(others);
    for (const sourceAnalysisId of [others.id, randomUUID()]) {
      const refused = await create(command({ sourceAnalysisId }));
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        error: { code: 'validation_failed', details: [{ path: 'sourceAnalysisId' }] },
      });
    }
    const badSpec = await create({ ...command(), patternSpec: { ...fourStagePattern(), stages: [] } });
    expect(badSpec.status).toBe(400);
    expect(badSpec.body).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: 'patternSpec.stages' }] },
    });
  });

  it('hides an analysis from other users and answers 404 for unknown or malformed ids', async () => {
    const cmd = command();
    await create(cmd);
    for (const path of [
      `/internal/analyses/${cmd.id}?userId=${randomUUID()}`,
      `/internal/analyses/${randomUUID()}?userId=${cmd.userId}`,
      `/internal/analyses/not-a-uuid?userId=${cmd.userId}`,
    ]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'analysis_not_found', message: expect.any(String) } });
    }
  });

  it('gives a rerun what it needs of the source: pattern, parameters, options, every run with its outputs', async () => {
    const cmd = command({
      pattern: 'mixed',
      patternSpec: mixedPattern(),
      params: { rounds: 2 },
      options: { quorum: 1 },
    });
    await create(cmd);
    await app.sql(
      `INSERT INTO stage_runs (analysis_id, stage_index, stage, label, kind, round, aggregate, note)
       VALUES ($1, 0, 'answer', 'Answer', 'generate', 1, NULL, NULL),
              ($1, 1, 'tally', 'Tally', 'aggregate', 1, '{"ranking":[],"voters":0}', NULL),
              ($1, 2, 'check', 'Check', 'skipped', 1, NULL, 'condition false')`,
      [cmd.id],
    );
    await app.sql(
      `INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, sample, status, text, error, data, data_error,
                                  latency_ms, input_tokens, output_tokens)
       VALUES ($1, 'answer', 0, 'mock:beta', 0, 'failed', NULL, '{"category":"timeout","message":"slow"}', NULL, NULL,
               1, 0, 0),
              ($1, 'answer', 0, 'mock:alpha', 0, 'completed', 'an answer', NULL, '{"ranking":["A"]}', NULL, 1, 1, 1)`,
      [cmd.id],
    );
    await app.sql(`UPDATE analyses SET status = 'failed' WHERE id = $1`, [cmd.id]);

    const source = await get<AnalysisSource>(`/internal/analyses/${cmd.id}/source?userId=${cmd.userId}`);
    expect(source.status).toBe(200);
    expect(source.body).toEqual({
      id: cmd.id,
      status: 'failed',
      prompt: cmd.prompt,
      models: cmd.models,
      ultraModel: cmd.ultraModel,
      pattern: 'mixed',
      patternSpec: mixedPattern(),
      params: { rounds: 2 },
      options: { quorum: 1 },
      threadId: cmd.id,
      parentAnalysisId: null,
      runs: [
        {
          index: 0,
          stage: 'answer',
          kind: 'generate',
          round: 1,
          outputs: [
            {
              model: 'mock:alpha',
              sample: 0,
              status: 'completed',
              text: 'an answer',
              data: { ranking: ['A'] },
              dataError: null,
              category: null,
            },
            {
              model: 'mock:beta',
              sample: 0,
              status: 'failed',
              text: null,
              data: null,
              dataError: null,
              category: 'timeout',
            },
          ],
          aggregate: null,
        },
        { index: 1, stage: 'tally', kind: 'aggregate', round: 1, outputs: [], aggregate: { ranking: [], voters: 0 } },
        { index: 2, stage: 'check', kind: 'skipped', round: 1, outputs: [], aggregate: null },
      ],
    });

    for (const path of [
      `/internal/analyses/${cmd.id}/source?userId=${randomUUID()}`,
      `/internal/analyses/${randomUUID()}/source?userId=${cmd.userId}`,
      `/internal/analyses/not-a-uuid/source?userId=${cmd.userId}`,
    ]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'analysis_not_found', message: expect.any(String) } });
    }
    expect((await get(`/internal/analyses/${cmd.id}/source`)).status).toBe(400);
  });

  it('rejects bad input with 400 validation_failed, never a 500', async () => {
    const invalid = await create({ ...command(), models: [], pattern: 'nope' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { code: 'validation_failed', details: expect.any(Array) } });

    const unparsable = await create('{"id":');
    expect(unparsable.status).toBe(400);
    expect(unparsable.body).toMatchObject({ error: { code: 'validation_failed' } });

    const noUser = await get(`/internal/analyses/${randomUUID()}`);
    expect(noUser).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });

  it('answers a value Postgres cannot store (a NUL in the prompt) with 400 validation_failed, not 500', async () => {
    const cmd = command({ prompt: 'why\u0000not' });
    const refused = await create(cmd);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: { code: 'validation_failed', message: expect.stringContaining('0x00') },
    });
    expect((await get(`/internal/analyses/${cmd.id}?userId=${cmd.userId}`)).status).toBe(404);
  });

  it('lists a user’s analyses newest first across pages, ties broken by id', async () => {
    const userId = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(command({ userId, prompt: `question ${i}` }))).body.id);
    await create(command()); // someone else's, never listed
    // Two groups sharing a created_at, so pages must split inside a tie and still neither skip nor repeat.
    const [older, newer] = [ids.slice(0, 3), ids.slice(3)];
    await app.sql(`UPDATE analyses SET created_at = '2030-01-01T00:00:00.000Z' WHERE id = ANY($1)`, [older]);
    await app.sql(`UPDATE analyses SET created_at = '2030-01-01T00:00:00.001Z' WHERE id = ANY($1)`, [newer]);
    const byIdDesc = (a: string, b: string) => (a < b ? 1 : -1);
    const expected = [...newer.sort(byIdDesc), ...older.sort(byIdDesc)];

    const seen: AnalysisSummary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `userId=${userId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: JsonResponse<AnalysisPage> = await get<AnalysisPage>(`/internal/analyses?${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.analyses);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    expect(pages).toBe(3);
    expect(seen.map((s) => s.id)).toEqual(expected);
    expect(seen[0]).not.toHaveProperty('stages');

    const all = await get<AnalysisPage>(`/internal/analyses?userId=${userId}`);
    expect(all.body.analyses).toHaveLength(5);
    expect(all.body.nextCursor).toBeNull();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=two', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['cursor=' + Buffer.from('["x","y"]').toString('base64url'), 'cursor'],
  ])('rejects a listing with %s', async (param, path) => {
    const response = await get<{ error: { code: string; details: { path: string }[] } }>(
      `/internal/analyses?userId=${randomUUID()}&${param}`,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.map((d) => d.path)).toContain(path);
  });
});
