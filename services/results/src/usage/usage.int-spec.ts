import { randomUUID } from 'node:crypto';
import { readUsage, utcDayOf } from '@ultra/platform';
import { Redis } from 'ioredis';
import { jsonRequest } from '../../../../test/support/http';
import { answered, ResultsJobs, stageRecord } from '../testing/results-jobs';
import { type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

let app: ResultsTestApp;
let jobs: ResultsJobs;
let redis: Redis;

beforeAll(async () => {
  app = await startResultsTestApp({ LOG_LEVEL: 'error' });
  jobs = new ResultsJobs(app, randomUUID());
  redis = new Redis(app.redis.url);
});

afterAll(async () => {
  redis?.disconnect();
  await jobs?.close();
  await app?.close();
});

describe("a user's daily usage", () => {
  it('adds the tokens and cost of stored outputs to the Redis counter once, however often a record arrives', async () => {
    const envelope = await jobs.createAnalysis();
    const priced = (model: 'mock:alpha' | 'mock:beta', costUsd: number) =>
      answered(model, 'initial', { usage: { inputTokens: 100, outputTokens: 40, costUsd } });
    const record = stageRecord(envelope, 'initial', 0, [priced('mock:alpha', 0.25), priced('mock:beta', 0.5)]);
    await jobs.record(record);
    // A re-delivery (another job id, as after a lost acknowledgement) stores nothing new and adds nothing.
    await jobs.settled(await jobs.add('stage.record', record, { jobId: `${envelope.analysisId}_again` }), 'completed');

    const day = utcDayOf(new Date());
    expect(await readUsage(redis, app.redis.prefix, jobs.userId, day)).toEqual({
      requests: 0,
      analyses: 0,
      inputTokens: 200,
      outputTokens: 80,
      costUsd: 0.75,
    });
    // The database's sum, which the gateway falls back to when the counter is gone, agrees.
    const spend = await jsonRequest(app.url, 'GET', `/internal/usage/${jobs.userId}?day=${day}`);
    expect(spend).toMatchObject({ status: 200, body: { inputTokens: 200, outputTokens: 80, costUsd: 0.75 } });
    const yesterday = await jsonRequest(app.url, 'GET', `/internal/usage/${jobs.userId}?day=20000101`);
    expect(yesterday.body).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });

  it('refuses a malformed usage query with 400', async () => {
    const bad = await jsonRequest(app.url, 'GET', `/internal/usage/not-a-user?day=2024`);
    expect(bad.status).toBe(400);
  });
});
