import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { HealthReport } from '@ultra/platform';
import { eventually } from '../../../../test/support/eventually';
import { jsonRequest } from '../../../../test/support/http';
import { freePort } from '../../../../test/support/ports';
import { answered, ResultsJobs, stageRecord } from '../testing/results-jobs';
import { type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

/**
 * Postgres goes away and comes back. A database of its own (PGlite behind its socket server, on a free port) so the
 * shared Postgres is never disturbed: stopping the socket server drops every connection and refuses new ones.
 */
let pglite: PGlite;
let server: PGLiteSocketServer | undefined;
let port: number;
let app: ResultsTestApp;
let jobs: ResultsJobs;

async function startDatabase(): Promise<void> {
  server = new PGLiteSocketServer({ db: pglite, port, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
}

async function stopDatabase(): Promise<void> {
  await server?.stop();
  server = undefined;
}

beforeAll(async () => {
  pglite = await PGlite.create();
  port = await freePort();
  await startDatabase();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  app = await startResultsTestApp(
    { LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '1' },
    { url, drop: () => Promise.resolve() },
  );
  jobs = new ResultsJobs(app, randomUUID());
});

afterAll(async () => {
  await jobs?.close();
  await app?.close();
  await stopDatabase();
  await pglite?.close();
});

const health = () => jsonRequest<HealthReport>(app.url, 'GET', '/internal/health');

describe('while Postgres is down', () => {
  it('reports the database down, keeps its jobs without spending attempts, and writes them when it returns', async () => {
    const envelope = await jobs.createAnalysis();
    expect((await health()).status).toBe(200);
    await stopDatabase();

    // Two attempts only: were waiting for the database to spend them, this job would fail at once.
    const job = await jobs.add(
      'stage.record',
      stageRecord(envelope, 'initial', 0, [answered('mock:alpha', 'initial')]),
      { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
    );
    expect(
      await eventually('health to report the database down', async () => {
        const report = await health();
        return report.status === 503 ? report.body : undefined;
      }),
    ).toMatchObject({ status: 'error', checks: { redis: 'up', database: 'down' } });
    const waited = await eventually(
      'the job to try three times',
      async () => {
        const current = await jobs.queue.getJob(job.id ?? '');
        return current && current.attemptsStarted >= 3 ? current : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(waited.attemptsMade).toBe(0);
    expect(await waited.getState()).not.toBe('failed');

    await startDatabase();
    const stored = await jobs.settled(job, 'completed');
    // The one attempt counted is the one that stored it.
    expect(stored.attemptsMade).toBe(1);
    expect((await jobs.view(envelope.analysisId)).stages[0]).toMatchObject({
      id: 'initial',
      status: 'completed',
      outputs: [{ model: 'mock:alpha', text: 'mock:alpha on initial' }],
    });
    expect(
      await eventually('health to recover', async () => ((await health()).status === 200 ? true : undefined)),
    ).toBe(true);
  });
});
