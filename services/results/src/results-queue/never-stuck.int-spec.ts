import { randomUUID } from 'node:crypto';
import { answered, type Envelope, ResultsJobs, stageRecord } from '../testing/results-jobs';
import { type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

let app: ResultsTestApp;
let jobs: ResultsJobs;

beforeAll(async () => {
  app = await startResultsTestApp({ LOG_LEVEL: 'silent' });
  jobs = new ResultsJobs(app, randomUUID());
});

afterAll(async () => {
  await jobs?.close();
  await app?.close();
});

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';
const NUL = '\u0000';

describe('text that Postgres cannot store', () => {
  let envelope: Envelope;

  beforeAll(async () => {
    envelope = await jobs.createAnalysis();
  });

  it('is replaced by U+FFFD in text, data, errors, aggregates and notes, and counted per output', async () => {
    const job = await jobs.record(
      stageRecord(envelope, 'initial', 0, [
        answered('mock:alpha', 'initial', {
          text: `cut ${LONE_HIGH} stream${NUL}`,
          data: { [`k${LONE_LOW}`]: [`v${NUL}`, { deep: LONE_HIGH }], fine: '😀' },
          dataError: `bad${NUL}`,
          repairedChars: 3,
        }),
        answered('mock:beta', 'initial', {
          status: 'failed',
          text: null,
          error: { category: 'provider_unavailable', message: `mock:beta: cut${LONE_LOW}` },
        }),
      ]),
    );
    expect(job.attemptsMade).toBe(1);
    const [initial] = (await jobs.view(envelope.analysisId)).stages;
    const [alpha, beta] = initial?.outputs ?? [];
    expect(alpha).toMatchObject({
      text: 'cut \ufffd stream\ufffd',
      data: { 'k\ufffd': ['v\ufffd', { deep: '\ufffd' }], fine: '😀' },
      dataError: 'bad\ufffd',
      // 3 repaired by the provider-worker, 6 more here.
      repairedChars: 9,
    });
    expect(beta).toMatchObject({ error: { message: 'mock:beta: cut\ufffd' }, repairedChars: 1 });

    await jobs.record(
      stageRecord(envelope, 'meta', 1, [], { kind: 'aggregate', aggregate: { [`r${NUL}`]: [LONE_HIGH] } }),
    );
    await jobs.record(stageRecord(envelope, 'hyper', 2, [], { kind: 'skipped', note: `no${LONE_LOW}` }));
    const stages = (await jobs.view(envelope.analysisId)).stages;
    expect(stages[1]).toMatchObject({ aggregate: { 'r\ufffd': ['\ufffd'] } });
    expect(stages[2]).toMatchObject({ note: 'no\ufffd' });
  });

  it('in a finish’s result and error is replaced too, so the analysis ends', async () => {
    await jobs.record(stageRecord(envelope, 'ultra', 3, [answered('mock:alpha', 'ultra')]));
    const finish = await jobs.add('analysis.finish', {
      ...envelope,
      status: 'completed',
      expectedOutputs: 3,
      expectedRuns: 4,
      result: {
        stage: 'ultra',
        stageIndex: 3,
        model: 'mock:alpha',
        sample: 0,
        text: `answer${LONE_HIGH}`,
        data: { agreement: `most${NUL}` },
      },
      error: null,
    });
    await jobs.settled(finish, 'completed');
    expect(await jobs.view(envelope.analysisId)).toMatchObject({
      status: 'completed',
      result: { text: 'answer\ufffd', agreement: 'most\ufffd' },
    });
  });
});

describe('outputs a fallback or the cache answered', () => {
  it('are stored with who answered, why, and whether it was cached', async () => {
    const envelope = await jobs.createAnalysis();
    await jobs.record(
      stageRecord(envelope, 'initial', 0, [
        answered('mock:alpha', 'initial', { answeredBy: 'mock:beta', fallbackReason: 'mock:alpha: circuit open' }),
        answered('mock:beta', 'initial', { cached: true, usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 } }),
      ]),
    );
    const [alpha, beta] = (await jobs.view(envelope.analysisId)).stages[0]?.outputs ?? [];
    expect(alpha).toMatchObject({ answeredBy: 'mock:beta', fallbackReason: 'mock:alpha: circuit open' });
    expect(alpha).not.toHaveProperty('cached');
    expect(beta).toMatchObject({ cached: true });
    expect(beta).not.toHaveProperty('answeredBy');
  });
});

describe('analysis.started', () => {
  it('stores the deadline, and a later start of the same analysis moves it', async () => {
    const envelope = await jobs.createAnalysis();
    const deadline = async () =>
      (
        await app.sql<{ d: string | null }>('SELECT deadline_at::text AS d FROM analyses WHERE id = $1', [
          envelope.analysisId,
        ])
      )[0]?.d;
    await jobs.settled(await jobs.add('analysis.started', { ...envelope, deadlineAt: 4_102_444_800_000 }), 'completed');
    expect((await jobs.view(envelope.analysisId)).status).toBe('running');
    expect(await deadline()).toBe('4102444800000');
    await jobs.settled(await jobs.add('analysis.started', { ...envelope, deadlineAt: 4_102_444_900_000 }), 'completed');
    expect(await deadline()).toBe('4102444900000');
  });
});

describe('a results job that fails for good', () => {
  it('is not retried when the database refuses its data, and ends its analysis as interrupted', async () => {
    const envelope = await jobs.createAnalysis();
    // 3e9 ms does not fit an integer column: SQLSTATE 22003, the same on every attempt.
    const job = await jobs.add(
      'stage.record',
      stageRecord(envelope, 'initial', 0, [answered('mock:alpha', 'initial', { latencyMs: 3_000_000_000 })]),
      { jobId: `${envelope.analysisId}_0_record` },
    );
    const failed = await jobs.settled(job, 'failed');
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^the database refused the data: .*out of range/);

    const ended = await jobs.ended(envelope.analysisId);
    expect(ended.status).toBe('failed');
    expect(ended.error?.code).toBe('interrupted');
    expect(ended.error?.message).toContain(`results job stage.record (${envelope.analysisId}_0_record) failed`);
    expect(ended.error?.message).toContain('out of range');
  });

  it('ends its analysis when its data breaks the contract', async () => {
    const envelope = await jobs.createAnalysis();
    const job = await jobs.queue.add('analysis.finish', { ...envelope, status: 'maybe' }, { attempts: 12 });
    expect((await jobs.settled(job, 'failed')).attemptsMade).toBe(1);
    const ended = await jobs.ended(envelope.analysisId);
    expect(ended.error).toEqual({
      code: 'interrupted',
      message: expect.stringMatching(
        /^results job analysis\.finish \(.+\) failed for good after 1 attempt\(s\): invalid job/,
      ),
    });
  });

  it('ends its analysis when it runs out of attempts', async () => {
    const envelope = await jobs.createAnalysis();
    // Its records never come: every attempt finds 0 of 2 outputs stored.
    const finish = await jobs.add(
      'analysis.finish',
      { ...envelope, status: 'completed', expectedOutputs: 2, expectedRuns: 1, result: null, error: null },
      { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
    );
    expect((await jobs.settled(finish, 'failed')).attemptsMade).toBe(2);
    const ended = await jobs.ended(envelope.analysisId);
    expect(ended.error?.code).toBe('interrupted');
    expect(ended.error?.message).toContain('after 2 attempt(s): records pending: 0 of 2 outputs');
  });

  it('ends nothing when its analysis does not exist', async () => {
    const unknown: Envelope = { ...(await jobs.createAnalysis()), analysisId: randomUUID() };
    const job = await jobs.add('stage.record', stageRecord(unknown, 'initial', 0, [answered('mock:alpha', 'initial')]));
    expect((await jobs.settled(job, 'failed')).failedReason).toBe(`analysis ${unknown.analysisId} does not exist`);
    expect(await jobs.queue.getJob(`${unknown.analysisId}_interrupted`)).toBeUndefined();
  });
});
