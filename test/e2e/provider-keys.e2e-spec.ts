import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { AnalyzeAccepted, ModelInfo, ProviderKeyList, ProviderKeyView } from '@ultra/contracts';
import { FakeOpenAiServer } from '@ultra/fake-llm';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

const kek = (kid: string) => `${kid}:${randomBytes(32).toString('base64')}`;
const OLD_KEK = kek('k1');
const NEW_KEK = kek('k2');
const SERVER_KEY = 'sk-server-key-0000';
const USER_KEY = `sk-user-${randomBytes(12).toString('hex')}`;
const model = 'openai:gpt-4o-mini';

/** Every text and bytea value of every table of the stack's database, as text, for a plaintext search. */
async function databaseText(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb')`,
    );
    const parts: string[] = [];
    for (const c of columns) {
      const { rows } = await client.query<{ v: string | null }>(
        `SELECT encode(convert_to("${c.column_name}"::text, 'UTF8'), 'escape') AS v FROM "${c.table_name}"`,
      );
      for (const r of rows) if (r.v) parts.push(r.v);
      if (c.data_type === 'bytea') {
        const raw = await client.query<{ v: Buffer | null }>(`SELECT "${c.column_name}" AS v FROM "${c.table_name}"`);
        for (const r of raw.rows) if (r.v) parts.push(r.v.toString('latin1'));
      }
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

/** Every key and value under the stack's prefix, read by type. */
async function redisText(url: string, prefix: string): Promise<string> {
  const redis = new Redis(url);
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        parts.push(key);
        const type = await redis.type(key);
        if (type === 'string') parts.push((await redis.getBuffer(key))?.toString('latin1') ?? '');
        else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}

describe('users’ own provider keys (BYOK)', () => {
  const openai = new FakeOpenAiServer();
  let stack: TestStack;
  let alice: ApiClient;
  let bob: ApiClient;

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply(() => ({ text: 'An answer.' }));
    stack = await TestStack.start({
      workers: 1,
      env: {
        OPENAI_API_KEY: SERVER_KEY,
        OPENAI_BASE_URL: `${openai.url}/v1`,
        KEY_ENCRYPTION_KEYS: OLD_KEK,
        LOG_LEVEL: 'debug',
      },
    });
    alice = await new ApiClient(stack.baseUrl).registerUser();
    bob = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
  });

  it('stores, lists and deletes a key, never showing it, and never another user’s', async () => {
    const put = await alice.request<ProviderKeyView>('PUT', '/api/provider-keys/anthropic', {
      apiKey: 'sk-ant-1234wxyz',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ provider: 'anthropic', last4: 'wxyz', lastUsedAt: null });
    expect(JSON.stringify(put.body)).not.toContain('sk-ant');
    const list = await alice.request<ProviderKeyList>('GET', '/api/provider-keys');
    expect(list.body.providerKeys.map((k) => k.provider)).toEqual(['anthropic']);
    expect((await bob.request<ProviderKeyList>('GET', '/api/provider-keys')).body.providerKeys).toEqual([]);
    expect((await bob.request('DELETE', '/api/provider-keys/anthropic')).status).toBe(404);
    expect((await alice.request('DELETE', '/api/provider-keys/anthropic')).status).toBe(204);
    expect((await alice.request<ProviderKeyList>('GET', '/api/provider-keys')).body.providerKeys).toEqual([]);
  });

  it('refuses an unknown provider and a base URL to loopback or a private network', async () => {
    expect((await alice.request('PUT', '/api/provider-keys/nope', { apiKey: 'sk-12345678' })).status).toBe(400);
    for (const baseUrl of ['http://127.0.0.1:8080/v1', 'http://10.1.2.3/v1', 'http://[::1]/v1']) {
      const res = await alice.request<{ error: { code: string } }>('PUT', '/api/provider-keys/openai', {
        apiKey: 'sk-12345678',
        baseUrl,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('runs a user’s calls on their own key, others’ on the server’s, and keeps the key out of every store', async () => {
    expect((await alice.request('PUT', '/api/provider-keys/openai', { apiKey: USER_KEY })).status).toBe(200);
    const models = await alice.request<{ models: ModelInfo[] }>('GET', '/api/available-models');
    expect(models.body.models.find((m) => m.id === model)?.status).toBe('ready');

    const run = async (user: ApiClient) => {
      openai.requests.length = 0;
      const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
        prompt: 'Whose key?',
        models: [model],
        pattern: 'confidence',
      });
      expect(accepted.status).toBe(202);
      const view = await user.waitForAnalysis(accepted.body.id, 30_000);
      expect(view.status).toBe('completed');
      return { view, auth: openai.requests.map((r) => r.headers.authorization) };
    };
    const mine = await run(alice);
    expect(mine.auth.length).toBeGreaterThan(0);
    expect(new Set(mine.auth)).toEqual(new Set([`Bearer ${USER_KEY}`]));
    expect(mine.view.usage.inputTokens).toBeGreaterThan(0);
    // The same question from Bob is not answered from Alice's cache: his calls reach the vendor on the server's key.
    const his = await run(bob);
    expect(new Set(his.auth)).toEqual(new Set([`Bearer ${SERVER_KEY}`]));

    const keys = await alice.request<ProviderKeyList>('GET', '/api/provider-keys');
    expect(keys.body.providerKeys[0]?.lastUsedAt).not.toBeNull();

    expect(await databaseText(stack.env.DATABASE_URL)).not.toContain(USER_KEY);
    expect(await redisText(stack.env.REDIS_URL, stack.env.QUEUE_PREFIX)).not.toContain(USER_KEY);
    const logs = [...stack.workers, ...['gateway', 'orchestrator', 'results'].map((n) => stack.service(n as 'gateway'))]
      .flatMap((p) => [...p.lines.map((l) => JSON.stringify(l)), ...p.stderr])
      .join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(USER_KEY);
  });

  it('re-encrypts every key under the newest KEK with npm run rotate-keys, and the key still opens', async () => {
    const client = new Client({ connectionString: stack.env.DATABASE_URL });
    await client.connect();
    const kids = async () => (await client.query<{ kid: string }>('SELECT DISTINCT kid FROM provider_keys')).rows;
    try {
      expect(await kids()).toEqual([{ kid: 'k1' }]);
      const { stdout } = await promisify(execFile)(process.execPath, ['services/gateway/dist/rotate-keys.js'], {
        env: { ...process.env, DATABASE_URL: stack.env.DATABASE_URL, KEY_ENCRYPTION_KEYS: `${NEW_KEK},${OLD_KEK}` },
      });
      expect(stdout).toContain('1 provider key(s) re-encrypted under k2');
      expect(await kids()).toEqual([{ kid: 'k2' }]);
    } finally {
      await client.end();
    }
    // A worker that knows only the new KEK opens the rotated key and calls with it.
    const worker = stack.addWorker({ KEY_ENCRYPTION_KEYS: NEW_KEK });
    await worker.ready();
    await Promise.all(stack.workers.slice(0, -1).map((w) => w.kill('SIGKILL')));
    openai.requests.length = 0;
    const accepted = await alice.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'After rotation?',
      models: [model],
      pattern: 'confidence',
    });
    expect((await alice.waitForAnalysis(accepted.body.id, 30_000)).status).toBe('completed');
    expect(new Set(openai.requests.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${USER_KEY}`]));
  });
});
