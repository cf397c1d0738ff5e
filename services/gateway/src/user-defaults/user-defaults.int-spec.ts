import type { ApiErrorBody, CreatedApiKey, ModelInfo, UserDefaultsView } from '@ultra/contracts';
import { jsonRequest } from '../../../../test/support/http';
import { authClient } from '../testing/auth-client';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { patternDocument } from '../testing/test-patterns';

let gateway: GatewayTestApp;
let client: ReturnType<typeof authClient>;

type Answer = UserDefaultsView & ApiErrorBody;
const PATH = '/api/users/me/defaults';
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

const call = (method: string, credential: string, body?: unknown) =>
  jsonRequest<Answer>(gateway.url, method, PATH, { headers: bearer(credential), body });
const put = (token: string, body: unknown) => call('PUT', token, body);
const read = (token: string) => call('GET', token);
const NONE = { models: [], ultraModel: null, pattern: null };

async function newUser(): Promise<string> {
  return (await client.register()).accessToken;
}

beforeAll(async () => {
  gateway = await startGatewayTestApp();
  client = authClient(gateway);
});

afterAll(async () => {
  await gateway?.close();
});

describe('GET, PUT and DELETE /api/users/me/defaults', () => {
  it('answers an empty panel until one is set, then the stored one; PUT replaces it whole; DELETE clears it', async () => {
    const token = await newUser();
    expect(await read(token)).toMatchObject({ status: 200, body: NONE });

    const set = await put(token, { models: ['mock:beta', 'mock:alpha'], ultraModel: 'mock:alpha', pattern: 'moa' });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ models: ['mock:beta', 'mock:alpha'], ultraModel: 'mock:alpha', pattern: 'moa' });
    expect((await read(token)).body).toEqual(set.body);

    // No ultraModel: the first model; no pattern: none (analyses use the server's default).
    const replaced = await put(token, { models: ['mock:gamma'] });
    expect(replaced.body).toEqual({ models: ['mock:gamma'], ultraModel: 'mock:gamma', pattern: null });
    expect((await read(token)).body).toEqual(replaced.body);

    const cleared = await call('DELETE', token);
    expect(cleared.status).toBe(204);
    expect((await read(token)).body).toEqual(NONE);
    expect((await call('DELETE', token)).status).toBe(204);
  });

  it("accepts the caller's own pattern, and up to 8 known models that need not be ready", async () => {
    const token = await newUser();
    const created = await jsonRequest(gateway.url, 'POST', '/api/patterns', { token, body: patternDocument() });
    expect(created.status).toBe(201);
    const catalog = await jsonRequest<{ models: ModelInfo[] }>(gateway.url, 'GET', '/api/available-models', { token });
    const ids = catalog.body.models.map((m) => m.id);
    // Not ready (no key for its provider here): POST /api/analyze would refuse it, a default panel does not.
    expect(catalog.body.models.find((m) => m.id === 'openai:gpt-4o')?.status).toBe('needs_key');
    const models = ['openai:gpt-4o', ...ids.filter((id) => id !== 'openai:gpt-4o').slice(0, 7)];
    const response = await put(token, { models, ultraModel: 'openai:gpt-4o', pattern: 'brainstorm' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ models, ultraModel: 'openai:gpt-4o', pattern: 'brainstorm' });
  });

  it("keeps each user's panel apart, and deletes it with the account", async () => {
    const [alice, bob] = [await newUser(), await client.register()];
    await put(alice, { models: ['mock:alpha'] });
    await put(bob.accessToken, { models: ['mock:beta', 'mock:gamma'], pattern: 'critique' });
    await call('DELETE', alice);
    expect((await read(alice)).body).toEqual(NONE);
    const bobs = { models: ['mock:beta', 'mock:gamma'], ultraModel: 'mock:beta', pattern: 'critique' };
    expect((await read(bob.accessToken)).body).toEqual(bobs);

    // Another user's own pattern is not the caller's.
    const carol = await newUser();
    expect(
      (await jsonRequest(gateway.url, 'POST', '/api/patterns', { token: carol, body: patternDocument() })).status,
    ).toBe(201);
    const foreign = await put(bob.accessToken, { models: ['mock:alpha'], pattern: 'brainstorm' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('unknown_pattern');
    expect((await read(bob.accessToken)).body).toEqual(bobs);

    const rowsOf = (id: string) => client.sql('SELECT user_id FROM user_defaults WHERE user_id = $1', [id]);
    expect(await rowsOf(bob.user.id)).toHaveLength(1);
    await client.sql('DELETE FROM users WHERE id = $1', [bob.user.id]);
    expect(await rowsOf(bob.user.id)).toHaveLength(0);
  });

  it('needs a token', async () => {
    expect((await call('GET', '')).status).toBe(401);
    expect((await call('PUT', '', { models: ['mock:alpha'] })).status).toBe(401);
  });
});

describe('validation, with the codes of POST /api/analyze', () => {
  let token: string;
  const stored = { models: ['mock:delta'], ultraModel: 'mock:delta', pattern: 'direct' };

  beforeAll(async () => {
    token = await newUser();
    expect((await put(token, stored)).status).toBe(200);
  });

  // Every refusal leaves the stored panel as it was.
  afterEach(async () => {
    expect((await read(token)).body).toEqual(stored);
  });

  it('answers 400 unknown_model naming each unknown model at models.N', async () => {
    const response = await put(token, { models: ['mock:alpha', 'mock:nope', 'not a model id'] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('unknown_model');
    expect(response.body.error.details).toEqual([
      { path: 'models.1', message: expect.stringContaining('mock:nope') },
      { path: 'models.2', message: expect.stringContaining('provider:model') },
    ]);
  });

  it('answers 400 validation_failed when ultraModel is not among the models', async () => {
    const response = await put(token, { models: ['mock:alpha'], ultraModel: 'mock:beta' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'ultraModel' }] });
  });

  it('answers 400 unknown_pattern listing the known patterns', async () => {
    for (const pattern of ['nope', 'Not A Slug', 'moa\u0000', '\ud800']) {
      const response = await put(token, { models: ['mock:alpha'], pattern });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'unknown_pattern', details: [{ path: 'pattern' }] });
      expect(response.body.error.message).toContain('confidence');
    }
  });

  it.each([
    ['no body', undefined],
    ['a body that is not an object', ['mock:alpha']],
    ['a JSON string', '"mock:alpha"'],
    ['no models', { pattern: 'moa' }],
    ['models that are not an array', { models: 'mock:alpha' }],
    ['models that are an object', { models: { 0: 'mock:alpha' } }],
    ['no model', { models: [] }],
    ['9 models', { models: Array.from({ length: 9 }, (_, i) => `mock:m${i}`) }],
    ['duplicate models', { models: ['mock:alpha', 'mock:alpha'] }],
    ['a model that is not a string', { models: ['mock:alpha', 7] }],
    ['an empty model id', { models: [''] }],
    ['a very long model id', { models: [`mock:${'a'.repeat(10_000)}`] }],
    ['a very long ultraModel', { models: ['mock:alpha'], ultraModel: 'x'.repeat(10_000) }],
    ['a very long pattern', { models: ['mock:alpha'], pattern: 'p'.repeat(10_000) }],
    ['a null pattern', { models: ['mock:alpha'], pattern: null }],
    ['an unknown field', { models: ['mock:alpha'], ultra_model: 'mock:alpha' }],
  ])('answers 400 validation_failed for %s', async (_case, body) => {
    const response = await put(token, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(response.body).length).toBeLessThan(2_000);
  });

  it('refuses NUL and lone surrogates in model ids as unknown models, without a 500', async () => {
    for (const model of ['mock:alpha\u0000', 'mock:\ud800', '\u0000']) {
      const response = await put(token, { models: [model] });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'unknown_model', details: [{ path: 'models.0' }] });
    }
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await put(token, '{"models": [');
    expect(response.status).toBe(400);
  });
});

describe('API keys', () => {
  let token: string;
  let readKey: CreatedApiKey;
  let analyzeKey: CreatedApiKey;

  const createKey = async (scopes: string[]): Promise<CreatedApiKey> => {
    const response = await jsonRequest<CreatedApiKey>(gateway.url, 'POST', '/api/api-keys', {
      token,
      body: { name: scopes.join('+'), scopes },
    });
    expect(response.status).toBe(201);
    return response.body;
  };

  beforeAll(async () => {
    token = await newUser();
    readKey = await createKey(['read']);
    analyzeKey = await createKey(['analyze']);
  });

  it('reads with the read scope, and refuses changes to it (403 insufficient_scope)', async () => {
    expect(await read(readKey.key)).toMatchObject({ status: 200, body: NONE });
    for (const response of [await put(readKey.key, { models: ['mock:alpha'] }), await call('DELETE', readKey.key)]) {
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ code: 'insufficient_scope', details: { required: ['analyze'] } });
    }
  });

  it("changes the key owner's panel with the analyze scope, which cannot read it", async () => {
    expect((await put(analyzeKey.key, { models: ['mock:alpha'] })).status).toBe(200);
    expect((await read(token)).body).toEqual({ models: ['mock:alpha'], ultraModel: 'mock:alpha', pattern: null });
    expect((await read(analyzeKey.key)).status).toBe(403);
    expect((await call('DELETE', analyzeKey.key)).status).toBe(204);
    expect((await read(readKey.key)).body).toEqual(NONE);
  });
});
