import { randomUUID } from 'node:crypto';
import type { AnalysisPage, ThreadEntries, Usage } from '@ultra/contracts';
import { jsonRequest } from '../../../../test/support/http';
import { answered, failedCall, ResultsJobs, stageRecord } from '../testing/results-jobs';
import { type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

let app: ResultsTestApp;
let jobs: ResultsJobs;
const userId = randomUUID();

beforeAll(async () => {
  app = await startResultsTestApp();
  jobs = new ResultsJobs(app, userId);
});

afterAll(async () => {
  await jobs?.close();
  await app?.close();
});

const listUsage = async (query = ''): Promise<Map<string, Usage>> => {
  const page = await jsonRequest<AnalysisPage>(app.url, 'GET', `/internal/analyses?userId=${userId}${query}`);
  expect(page.status).toBe(200);
  return new Map(page.body.analyses.map((a) => [a.id, a.usage]));
};

describe('usage in the listing', () => {
  it('lists each analysis with the totals of its stored outputs, as its full view has them, on every page', async () => {
    const priced = await jobs.createAnalysis();
    await jobs.record(
      stageRecord(priced, 'initial', 0, [
        answered('mock:alpha', 'initial', { usage: { inputTokens: 120, outputTokens: 30, costUsd: 0.00012345 } }),
        answered('mock:beta', 'initial', {
          usage: { inputTokens: 80, outputTokens: 20, costUsd: 0.1, cachedInputTokens: 50 },
        }),
      ]),
    );
    await jobs.record(
      stageRecord(priced, 'meta', 1, [
        answered('mock:alpha', 'meta', {
          usage: { inputTokens: 7, outputTokens: 3, costUsd: 0.2, reasoningTokens: 9 },
        }),
        failedCall('mock:beta', 'timeout', 'too slow'),
      ]),
    );
    const unpriced = await jobs.createAnalysis();

    const expected: Usage = {
      inputTokens: 207,
      outputTokens: 53,
      costUsd: 0.30012345,
      cachedInputTokens: 50,
      reasoningTokens: 9,
    };
    const listed = await listUsage();
    expect(listed.get(priced.analysisId)).toEqual(expected);
    expect((await jobs.view(priced.analysisId)).usage).toEqual(expected);
    // No outputs yet: zeros, without the optional totals.
    expect(listed.get(unpriced.analysisId)).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });

    // A page of one (the older analysis is on the second page) still carries its own totals.
    const first = await jsonRequest<AnalysisPage>(app.url, 'GET', `/internal/analyses?userId=${userId}&limit=1`);
    expect(first.body.analyses.map((a) => a.id)).toEqual([unpriced.analysisId]);
    const cursor = encodeURIComponent(first.body.nextCursor ?? '');
    expect(await listUsage(`&limit=1&cursor=${cursor}`)).toEqual(new Map([[priced.analysisId, expected]]));
  });

  it('gives a thread’s analyses their totals too', async () => {
    const envelope = await jobs.createAnalysis();
    await jobs.record(
      stageRecord(envelope, 'initial', 0, [
        answered('mock:alpha', 'initial', { usage: { inputTokens: 5, outputTokens: 6, costUsd: 0.01 } }),
      ]),
    );
    const path = `/internal/threads/${envelope.analysisId}?userId=${userId}`;
    const thread = await jsonRequest<ThreadEntries>(app.url, 'GET', path);
    expect(thread.status).toBe(200);
    expect(thread.body.analyses.map((a) => a.usage)).toEqual([{ inputTokens: 5, outputTokens: 6, costUsd: 0.01 }]);
  });
});
