import { randomBytes } from 'node:crypto';
import type { ApiErrorBody } from '@ultra/contracts';
import { addUsage } from '@ultra/platform';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ApiClient } from '../../../../test/support/api';
import { jsonRequest } from '../../../../test/support/http';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import type { UsageReport } from './daily-usage.service';

// Tiny limits, so a test reaches them in a few requests.
const TIERS = JSON.stringify({
  free: { requestsPerMinute: 6, analysesPerMinute: 2, dailyBudgetUsd: 0.5 },
  basic: { requestsPerMinute: 40 },
});

let results: FakeResults;
let first: GatewayTestApp;
let second: GatewayTestApp;
let redis: Redis;

beforeAll(async () => {
  results = await startFakeResults();
  // Two gateway processes of one installation: one database, one Redis prefix, one signing secret.
  const env = { RESULTS_URL: results.server.url, TIERS, JWT_SECRET: randomBytes(32).toString('hex') };
  first = await startGatewayTestApp(env);
  second = await startGatewayTestApp(env, first);
  redis = new Redis(first.redis.url);
});

afterAll(async () => {
  redis?.disconnect();
  await second?.close();
  await first?.close();
  await results?.server.close();
});

async function newUser(): Promise<string> {
  return (await new ApiClient(first.url).registerUser()).token!;
}

/** The user id (`sub`) of an access token. */
function userIdOf(token: string): string {
  const payload = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString();
  return (JSON.parse(payload) as { sub: string }).sub;
}

const usage = (token: string, app = first) =>
  jsonRequest<UsageReport & ApiErrorBody>(app.url, 'GET', '/api/users/me/usage', { token });
const analyze = (token: string) =>
  jsonRequest<ApiErrorBody>(first.url, 'POST', '/api/analyze', {
    token,
    body: { prompt: 'Why?', models: ['mock:alpha', 'mock:beta'] },
  });

describe('requests per minute', () => {
  it('answers the request over the limit 429 rate_limited with Retry-After and RateLimit-* headers', async () => {
    const token = await newUser();
    for (let i = 1; i <= 6; i++) {
      const ok = await usage(token);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('6');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(6 - i));
      expect(Number(ok.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    }
    const refused = await usage(token);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('the free tier allows 6 requests per minute'),
      details: { limit: 'requestsPerMinute', tier: 'free', perMinute: 6 },
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));
  });

  it('counts each user on their own', async () => {
    const [a, b] = [await newUser(), await newUser()];
    for (let i = 0; i < 6; i++) expect((await usage(a)).status).toBe(200);
    expect((await usage(a)).status).toBe(429);
    expect((await usage(b)).status).toBe(200);
  });

  it('holds across two gateway processes: together they allow exactly the limit', async () => {
    const token = await newUser();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => usage(token, i % 2 === 0 ? first : second)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });

  it("uses the user's tier from users.tier", async () => {
    const token = await newUser();
    const db = new Client({ connectionString: first.db.url });
    await db.connect();
    try {
      // The tier column belongs to another migration; added here only if this database does not have it yet.
      await db.query(`ALTER TABLE users ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'free'`);
      await db.query(`UPDATE users SET tier = 'basic' WHERE id = $1`, [userIdOf(token)]);
    } finally {
      await db.end();
    }
    // A fresh process has no cached tier for this user.
    const answer = await usage(token, second);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('ratelimit-limit')).toBe('40');
    expect(answer.body.limits).toEqual({
      tier: 'basic',
      requestsPerMinute: 40,
      analysesPerMinute: 60,
      dailyBudgetUsd: 10,
    });
  });
});

describe('analyses per minute', () => {
  it('refuses the analysis over the limit with 429 naming analysesPerMinute, and counts the others', async () => {
    const token = await newUser();
    expect((await analyze(token)).status).toBe(202);
    const second = await analyze(token);
    expect(second.status).toBe(202);
    expect(second.headers.get('ratelimit-limit')).toBe('2');
    expect(second.headers.get('ratelimit-remaining')).toBe('0');
    const refused = await analyze(token);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'analysesPerMinute' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const report = await usage(token);
    expect(report.body).toMatchObject({ analyses: 2, requests: 4 });
  });

  it('gives the allowance back for an analysis refused on its way, while the request still counts', async () => {
    const token = await newUser();
    const refusals = [
      { prompt: '', models: ['mock:alpha'] },
      { prompt: 'Why?', models: ['mock:nope'] },
      { prompt: 'Why?', models: ['mock:alpha'], pattern: 'no-such-pattern' },
    ];
    for (const body of refusals) {
      const refused = await jsonRequest<ApiErrorBody>(first.url, 'POST', '/api/analyze', { token, body });
      expect(refused.status).toBe(400);
    }
    // Three refusals, yet both analyses of the minute are still there.
    const accepted = await analyze(token);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('ratelimit-remaining')).toBe('1');
    expect((await analyze(token)).status).toBe(202);
    expect((await analyze(token)).status).toBe(429);
    // The requests per minute (6) counted all six: the next request of any kind is refused.
    const over = await usage(token);
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ details: { limit: 'requestsPerMinute' } });
  });
});

describe('daily budget', () => {
  it("refuses a new analysis with 402 once today's spend reached the budget, naming it and the reset", async () => {
    const token = await newUser();
    const { body: before } = await usage(token);
    // What results adds when it stores priced outputs (the e2e test goes through the real path).
    await addUsage(redis, first.redis.prefix, userIdOf(token), { costUsd: 0.5, inputTokens: 10, outputTokens: 20 });
    const refused = await analyze(token);
    expect(refused.status).toBe(402);
    const tomorrow = new Date(`${before.day}T00:00:00.000Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    expect(refused.body.error).toMatchObject({
      code: 'budget_exhausted',
      message: expect.stringContaining(`daily budget of $0.5 (dailyBudgetUsd); it resets at ${tomorrow.toISOString()}`),
      details: { limit: 'dailyBudgetUsd', tier: 'free', dailyBudgetUsd: 0.5, spentUsd: 0.5 },
    });
    expect((await usage(token)).body).toMatchObject({
      analyses: 0,
      inputTokens: 10,
      outputTokens: 20,
      costUsd: 0.5,
      resetsAt: tomorrow.toISOString(),
    });
  });
});
