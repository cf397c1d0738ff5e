import { randomBytes } from 'node:crypto';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { ApiClient } from '../support/api';
import { findInPostgres, findInRedis } from '../support/security';
import { TestStack } from '../support/stack';

const models = ['openai:gpt-4o-mini', 'openai:gpt-4o'];

describe('security: a user’s provider key is never stored, queued or logged in plaintext', () => {
  const openai = new FakeOpenAiServer();
  const userKey = `sk-user-${randomBytes(24).toString('hex')}`;
  const kek = randomBytes(32).toString('base64');
  let stack: TestStack;
  let user: ApiClient;

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply(() => ({ text: 'An answer from the vendor.' }));
    stack = await TestStack.start({
      workers: 1,
      env: {
        OPENAI_API_KEY: 'sk-server-key',
        OPENAI_BASE_URL: `${openai.url}/v1`,
        KEY_ENCRYPTION_KEYS: `k1:${kek}`,
        PROVIDER_BASE_URL_ALLOW_HOSTS: '127.0.0.1',
        LOG_LEVEL: 'debug',
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
  });

  it('uses the key for the user’s calls, then holds it nowhere in plaintext', async () => {
    const put = await user.request('PUT', '/api/provider-keys/openai', {
      apiKey: userKey,
      baseUrl: `${openai.url}/v1`,
    });
    expect(`${put.status} ${JSON.stringify(put.body)}`).toMatch(/^20[01] /);
    expect(JSON.stringify(put.body)).not.toContain(userKey);
    const listed = await user.request('GET', '/api/provider-keys');
    expect(JSON.stringify(listed.body)).not.toContain(userKey);
    expect(JSON.stringify(listed.body)).toContain(userKey.slice(-4));

    const accepted = await user.request<{ id: string }>('POST', '/api/analyze', {
      prompt: 'Why is the sky blue?',
      models,
    });
    expect(`${accepted.status} ${JSON.stringify(accepted.body)}`).toMatch(/^202 /);
    const view = await user.waitForAnalysis(accepted.body.id);
    expect(view.status).toBe('completed');
    // The fake vendor received the user's key, not the server's: the run really used it.
    const used = openai.requests.map((r) => r.headers.authorization);
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((h) => h === `Bearer ${userKey}`)).toBe(true);

    expect(await findInPostgres(stack.env.DATABASE_URL, userKey)).toEqual([]);
    expect(await findInRedis(stack.env.REDIS_URL, userKey)).toEqual([]);
    const services = [
      stack.service('gateway'),
      stack.service('orchestrator'),
      stack.service('results'),
      ...stack.workers,
    ];
    for (const service of services) {
      const output = JSON.stringify(service.lines) + service.stderr.join('\n');
      expect({ service: service.name, leaksKey: output.includes(userKey), leaksKek: output.includes(kek) }).toEqual({
        service: service.name,
        leaksKey: false,
        leaksKek: false,
      });
    }
  });
});
