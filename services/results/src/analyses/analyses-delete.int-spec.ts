import { randomUUID } from 'node:crypto';
import type { AnalysisPage, AnalysisView, ApiErrorBody } from '@ultra/contracts';
import { jsonRequest } from '../../../../test/support/http';
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
/** What the gateway sends when it could not queue an analysis it created. */
const remove = (id: string, userId: string) =>
  jsonRequest<ApiErrorBody | string>(app.url, 'DELETE', `/internal/analyses/${id}?userId=${userId}`);

describe('DELETE /internal/analyses/:id', () => {
  it('deletes a queued analysis with its runs and outputs: 204, then the analysis is gone', async () => {
    const cmd = command();
    await create(cmd);
    // A queued analysis has no runs through the queue; one stored by hand shows the cascade takes them too.
    await app.sql(
      `INSERT INTO stage_runs (analysis_id, stage_index, stage, label, kind) VALUES ($1, 0, 'initial', 'Initial', 'generate')`,
      [cmd.id],
    );
    await app.sql(
      `INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, status, text, latency_ms, input_tokens,
                                  output_tokens)
       VALUES ($1, 'initial', 0, 'mock:alpha', 'completed', 'an answer', 1, 1, 1)`,
      [cmd.id],
    );

    const deleted = await remove(cmd.id, cmd.userId);
    expect(deleted.status).toBe(204);
    expect((await get(`/internal/analyses/${cmd.id}?userId=${cmd.userId}`)).status).toBe(404);
    expect(await app.sql('SELECT 1 FROM stage_outputs WHERE analysis_id = $1', [cmd.id])).toEqual([]);
    expect(await app.sql('SELECT 1 FROM stage_runs WHERE analysis_id = $1', [cmd.id])).toEqual([]);
    const listed = await get<AnalysisPage>(`/internal/analyses?userId=${cmd.userId}`);
    expect(listed.body.analyses).toEqual([]);
  });

  it('is idempotent: an analysis already gone, or never created, answers 204', async () => {
    const cmd = command();
    await create(cmd);
    expect((await remove(cmd.id, cmd.userId)).status).toBe(204);
    expect((await remove(cmd.id, cmd.userId)).status).toBe(204);
    expect((await remove(randomUUID(), cmd.userId)).status).toBe(204);
  });

  it('answers 404 for another user’s analysis and leaves it alone', async () => {
    const cmd = command();
    await create(cmd);
    const other = await remove(cmd.id, randomUUID());
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'analysis_not_found' } } });
    expect((await get(`/internal/analyses/${cmd.id}?userId=${cmd.userId}`)).status).toBe(200);
  });

  it.each(['running', 'completed', 'failed'])(
    'never deletes a %s analysis: 409 analysis_not_queued',
    async (status) => {
      const cmd = command();
      await create(cmd);
      await app.sql('UPDATE analyses SET status = $2 WHERE id = $1', [cmd.id, status]);
      const refused = await remove(cmd.id, cmd.userId);
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual({
        error: { code: 'analysis_not_queued', message: expect.stringContaining(`is ${status}`) },
      });
      const kept = await get<AnalysisView>(`/internal/analyses/${cmd.id}?userId=${cmd.userId}`);
      expect(kept).toMatchObject({ status: 200, body: { status } });
    },
  );

  it('rejects a malformed id or a missing userId with 400 validation_failed', async () => {
    expect(await remove('not-a-uuid', randomUUID())).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed' } },
    });
    const noUser = await jsonRequest(app.url, 'DELETE', `/internal/analyses/${randomUUID()}`);
    expect(noUser).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });
});
