import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthResponse, WebhookSecret } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { ApiClient } from '../support/api';
import { readSse } from '../support/sse';
import type { ServiceProcess } from '../support/service-process';
import { TestStack } from '../support/stack';

const JWT_SECRET = `jwt-${randomBytes(24).toString('hex')}`;
const kek = randomBytes(32).toString('base64');

/** What one run exercises: every kind of credential a user sends or receives, and a prompt no one else writes. */
interface Run {
  secrets: Record<string, string>;
  prompt: string;
}

function startStack(openai: FakeOpenAiServer, extra: Record<string, string> = {}): Promise<TestStack> {
  return TestStack.start({
    workers: 1,
    env: {
      JWT_SECRET,
      KEY_ENCRYPTION_KEYS: `k1:${kek}`,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      PROVIDER_BASE_URL_ALLOW_HOSTS: '127.0.0.1',
      // One model of the run fails on every attempt: failure paths log too.
      MOCK_FAIL_MODELS: 'mock:beta',
      LOG_LEVEL: 'debug',
      ...extra,
    },
  });
}

/** Registers, logs in, refreshes, makes an API key and a provider key, runs an analysis and reads its stream. */
async function exercise(stack: TestStack, openai: FakeOpenAiServer): Promise<Run> {
  const anonymous = new ApiClient(stack.baseUrl);
  const email = `logs-${randomUUID()}@example.com`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const registered = await anonymous.request<AuthResponse>('POST', '/api/auth/register', { email, password });
  expect(registered.status).toBe(201);
  const login = await anonymous.request<AuthResponse>('POST', '/api/auth/login', { email, password });
  expect(login.status).toBe(200);
  const refreshed = await anonymous.request<AuthResponse>('POST', '/api/auth/refresh', {
    refreshToken: login.body.refreshToken,
  });
  expect(refreshed.status).toBe(200);
  const user = new ApiClient(stack.baseUrl, refreshed.body.accessToken);

  const created = await user.request<{ key: string }>('POST', '/api/api-keys', {
    name: 'logs',
    scopes: ['read', 'analyze'],
  });
  expect(created.status).toBe(201);
  const apiKey = created.body.key;
  const providerKey = `sk-user-${randomBytes(24).toString('hex')}`;
  const put = await user.request('PUT', '/api/provider-keys/openai', {
    apiKey: providerKey,
    baseUrl: `${openai.url}/v1`,
  });
  expect(put.status).toBeLessThan(300);
  const webhook = await user.request<WebhookSecret>('GET', '/api/webhooks/secret');
  expect(webhook.status).toBe(200);

  const prompt = `Explain the zebra-crossing paradox ${randomUUID()} in plain words.`;
  // Submitted with the API key in its own header; the user's key answers for openai, mock:beta fails.
  const accepted = await anonymous.request<{ id: string }>(
    'POST',
    '/api/analyze',
    { prompt, models: ['openai:gpt-4o-mini', 'mock:alpha', 'mock:beta'] },
    { 'x-api-key': apiKey },
  );
  expect(`${accepted.status} ${JSON.stringify(accepted.body)}`).toMatch(/^202 /);
  const { id } = accepted.body;
  const view = await new ApiClient(stack.baseUrl, apiKey).waitForAnalysis(id);
  expect(view.status).toBe('completed');
  expect(openai.requests.some((r) => r.headers.authorization === `Bearer ${providerKey}`)).toBe(true);

  const issued = await user.request<{ token: string }>('POST', `/api/analyses/${id}/stream-token`);
  expect(issued.status).toBe(200);
  const streamToken = issued.body.token;
  const read = await readSse(`${stack.baseUrl}/api/analyses/${id}/events?token=${streamToken}`);
  expect(read.status).toBe(200);

  const worker = stack.workers[0];
  // pino writes asynchronously: the lines of the run are in once the last ones are.
  await stack.service('gateway').waitForLine((l) => JSON.stringify(l).includes(`/api/analyses/${id}/events`));
  await worker.waitForLine((l) => l.msg === 'model call completed' && l.model === 'mock:alpha');
  await worker.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('model call failed'));

  const secrets = {
    password,
    accessToken: registered.body.accessToken,
    loginAccessToken: login.body.accessToken,
    refreshToken: login.body.refreshToken,
    refreshedAccessToken: refreshed.body.accessToken,
    refreshedRefreshToken: refreshed.body.refreshToken,
    apiKey,
    providerKey,
    streamToken,
    webhookSecret: webhook.body.secret,
    kek,
    JWT_SECRET,
  };
  return { secrets, prompt };
}

const servicesOf = (stack: TestStack): ServiceProcess[] => [
  stack.service('gateway'),
  stack.service('orchestrator'),
  stack.service('results'),
  ...stack.workers,
];

const outputOf = (service: ServiceProcess) => JSON.stringify(service.lines) + '\n' + service.stderr.join('\n');

/** Per service, the names of the secrets its output contains: `[]` everywhere is what a clean run looks like. */
function leaks(stack: TestStack, secrets: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(
    servicesOf(stack).map((s) => {
      const output = outputOf(s);
      return [s.name, Object.keys(secrets).filter((name) => output.includes(secrets[name]))];
    }),
  );
}

describe('logs: secrets never, prompts only with LOG_PROMPTS=1', () => {
  const openai = new FakeOpenAiServer();

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply(() => ({ text: 'An answer from the vendor.' }));
  });

  afterAll(() => openai.close());

  it('a run with the defaults logs no password, token, key, secret or prompt', async () => {
    const stack = await startStack(openai);
    try {
      const { secrets, prompt } = await exercise(stack, openai);
      const clean = Object.fromEntries(servicesOf(stack).map((s) => [s.name, []]));
      expect(leaks(stack, { ...secrets, prompt })).toEqual(clean);
      // The request line of the stream is logged, its token replaced.
      const gateway = outputOf(stack.service('gateway'));
      expect(gateway).toMatch(/\/events\?token=\[redacted\]/);
      expect(gateway).toContain('[redacted]');
    } finally {
      await stack.stop();
    }
  }, 90_000);

  it('with LOG_PROMPTS=1 the worker logs prompts and answers, and still no secret', async () => {
    const stack = await startStack(openai, { LOG_PROMPTS: '1' });
    try {
      const { secrets, prompt } = await exercise(stack, openai);
      const clean = Object.fromEntries(servicesOf(stack).map((s) => [s.name, []]));
      expect(leaks(stack, secrets)).toEqual(clean);
      const completed = stack.workers[0].lines.find(
        (l) => l.msg === 'model call completed' && l.model === 'mock:alpha',
      );
      expect(JSON.stringify(completed?.prompt)).toContain(prompt);
      expect(typeof completed?.answer).toBe('string');
      expect(outputOf(stack.workers[0])).toContain('An answer from the vendor.');
    } finally {
      await stack.stop();
    }
  }, 90_000);
});
