import { randomUUID } from 'node:crypto';
import { analysisContextKey, analysisStartJob, QueueName } from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { answered, type Envelope, ResultsJobs, stageRecord } from '../testing/results-jobs';
import { type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';
import { WatchdogService } from './watchdog.service';

let app: ResultsTestApp;
let jobs: ResultsJobs;
let analyses: Queue;
let redis: Redis;
let watchdog: WatchdogService;

const GRACE_MS = 60_000;
const QUEUE_TIMEOUT_MS = 600_000;

beforeAll(async () => {
  // The sweeps here are called by the test; the timer's first one (at boot) finds nothing to do.
  app = await startResultsTestApp({
    LOG_LEVEL: 'silent',
    WATCHDOG_INTERVAL_MS: '3600000',
    WATCHDOG_GRACE_MS: String(GRACE_MS),
    ANALYSIS_QUEUE_TIMEOUT_MS: String(QUEUE_TIMEOUT_MS),
  });
  jobs = new ResultsJobs(app, randomUUID());
  const connection = redisOptionsFromUrl(app.redis.url);
  analyses = new Queue(QueueName.Analyses, { connection, prefix: app.redis.prefix });
  redis = new Redis(app.redis.url);
  watchdog = app.service.app.get(WatchdogService);
});

afterAll(async () => {
  redis?.disconnect();
  await analyses?.close();
  await jobs?.close();
  await app?.close();
});

/** Puts an analysis where a crash would have left it: `status`, last progress and deadline this long ago. */
async function age(
  envelope: Envelope,
  status: 'queued' | 'running',
  {
    idleMs,
    deadlineInMs,
    createdMsAgo = idleMs,
  }: { idleMs: number; deadlineInMs: number | null; createdMsAgo?: number },
): Promise<void> {
  await app.sql(
    `UPDATE analyses
        SET status = $2, updated_at = now() - make_interval(secs => $3 / 1000.0),
            created_at = now() - make_interval(secs => $5 / 1000.0),
            deadline_at = CASE WHEN $4::bigint IS NULL THEN NULL ELSE (extract(epoch from now()) * 1000)::bigint + $4 END
      WHERE id = $1`,
    [envelope.analysisId, status, idleMs, deadlineInMs, createdMsAgo],
  );
}

/** An analysis whose first two stages were stored before its orchestrator state was lost. */
async function halfDone(): Promise<Envelope> {
  const envelope = await jobs.createAnalysis();
  await jobs.record(
    stageRecord(envelope, 'initial', 0, [answered('mock:alpha', 'initial'), answered('mock:beta', 'initial')]),
  );
  await jobs.record(stageRecord(envelope, 'meta', 1, [answered('mock:alpha', 'meta')]));
  await age(envelope, 'running', { idleMs: 2 * GRACE_MS, deadlineInMs: 300_000 });
  return envelope;
}

describe('the watchdog', () => {
  it('ends an analysis past its deadline and the grace with deadline_exceeded, and leaves the others', async () => {
    const [late, withinGrace, ended] = [
      await jobs.createAnalysis(),
      await jobs.createAnalysis(),
      await jobs.createAnalysis(),
    ];
    await age(late, 'running', { idleMs: 10_000, deadlineInMs: -2 * GRACE_MS });
    await age(withinGrace, 'running', { idleMs: 10_000, deadlineInMs: -GRACE_MS / 2 });
    await age(ended, 'running', { idleMs: 10_000, deadlineInMs: -2 * GRACE_MS });
    await app.sql(`UPDATE analyses SET status = 'completed' WHERE id = $1`, [ended.analysisId]);

    const report = await watchdog.sweep();
    expect(report.deadlineExceeded).toBe(1);
    expect(await jobs.view(late.analysisId)).toMatchObject({
      status: 'failed',
      error: { code: 'deadline_exceeded', message: expect.stringContaining('no progress past its deadline') },
    });
    expect((await jobs.view(withinGrace.analysisId)).status).toBe('running');
    expect((await jobs.view(ended.analysisId)).status).toBe('completed');
  });

  it('ends an analysis no orchestrator took on within the queue timeout with interrupted', async () => {
    const stale = await jobs.createAnalysis();
    // Its start job is there, but nothing runs it.
    await analyses.add('analysis.start', { analysisId: stale.analysisId }, { jobId: stale.analysisId });
    await age(stale, 'queued', { idleMs: 10_000, deadlineInMs: null, createdMsAgo: 2 * QUEUE_TIMEOUT_MS });
    const fresh = await jobs.createAnalysis();

    expect((await watchdog.sweep()).neverStarted).toBe(1);
    expect(await jobs.view(stale.analysisId)).toMatchObject({
      status: 'failed',
      error: { code: 'interrupted', message: `no orchestrator took the analysis on within ${QUEUE_TIMEOUT_MS} ms` },
    });
    expect((await jobs.view(fresh.analysisId)).status).toBe('queued');
  });

  it('resumes an analysis whose orchestrator state was lost, reusing every stored stage run, once', async () => {
    const envelope = await halfDone();
    expect((await watchdog.sweep()).resumed).toBe(1);

    const start = await analyses.getJob(envelope.analysisId);
    expect(start?.name).toBe('analysis.start');
    const data = analysisStartJob.parse(start?.data);
    expect(data).toMatchObject({ analysisId: envelope.analysisId, requestId: envelope.requestId });
    expect(data.spec).toMatchObject({ models: ['mock:alpha', 'mock:beta'], pattern: 'confidence' });
    expect(data.spec.reuse?.sourceAnalysisId).toBe(envelope.analysisId);
    expect(data.spec.reuse?.runs.map((r) => [r.index, r.stage, r.outputs.map((o) => o.model)])).toEqual([
      [0, 'initial', ['mock:alpha', 'mock:beta']],
      [1, 'meta', ['mock:alpha']],
    ]);
    expect(data.spec.reuse?.runs[0]?.outputs[0]).toMatchObject({ status: 'completed', text: 'mock:alpha on initial' });

    // Claimed: the next sweep (or another replica's) leaves it alone.
    expect((await watchdog.sweep()).resumed).toBe(0);
    expect((await analyses.getJobCounts('waiting')).waiting).toBeGreaterThanOrEqual(1);
    await analyses.remove(envelope.analysisId);
  });

  it('replaces a start job that already ran, so the new one is not ignored', async () => {
    const envelope = await halfDone();
    await analyses.add(
      'analysis.start',
      { analysisId: envelope.analysisId, old: true },
      { jobId: envelope.analysisId },
    );
    const worker = new Worker(QueueName.Analyses, () => Promise.resolve(), {
      connection: redisOptionsFromUrl(app.redis.url),
      prefix: app.redis.prefix,
    });
    try {
      await jobs.settledOn(analyses, envelope.analysisId, 'completed');
    } finally {
      await worker.close();
    }
    expect((await watchdog.sweep()).resumed).toBe(1);
    const start = await analyses.getJob(envelope.analysisId);
    expect(await start?.getState()).toBe('waiting');
    expect(start?.data).not.toHaveProperty('old');
    await analyses.remove(envelope.analysisId);
  });

  it('leaves an idle analysis alone while its orchestrator state or its start job exists', async () => {
    const [held, waiting] = [await halfDone(), await halfDone()];
    await redis.hset(analysisContextKey(app.redis.prefix, held.analysisId), 'spec', '{}');
    await analyses.add('analysis.start', { analysisId: waiting.analysisId }, { jobId: waiting.analysisId });
    try {
      expect(await watchdog.sweep()).toMatchObject({ resumed: 0, ended: 0 });
      expect((await jobs.view(held.analysisId)).status).toBe('running');
      expect(await analyses.getJob(held.analysisId)).toBeUndefined();
    } finally {
      await redis.del(analysisContextKey(app.redis.prefix, held.analysisId));
      await analyses.remove(waiting.analysisId);
      await app.sql(`UPDATE analyses SET status = 'failed' WHERE id = ANY($1::uuid[])`, [
        [held.analysisId, waiting.analysisId],
      ]);
    }
  });

  it('ends a lost analysis that cannot be resumed (no pattern document stored) with interrupted', async () => {
    const envelope = await jobs.createAnalysis(null);
    await age(envelope, 'running', { idleMs: 2 * GRACE_MS, deadlineInMs: 300_000 });
    expect((await watchdog.sweep()).ended).toBe(1);
    expect(await jobs.view(envelope.analysisId)).toMatchObject({
      status: 'failed',
      error: {
        code: 'interrupted',
        message: "the analysis' work was lost and it cannot be resumed: no pattern document was stored with it",
      },
    });
    expect(await analyses.getJob(envelope.analysisId)).toBeUndefined();
  });

  it('sweeps once per interval however many replicas try', async () => {
    await redis.del(`${app.redis.prefix}:watchdog:sweep`);
    const [first, second] = await Promise.all([watchdog.sweepOnce(), watchdog.sweepOnce()]);
    expect([first, second].filter((r) => r !== null)).toHaveLength(1);
  });
});
