import { createHash } from 'node:crypto';
import type { ApiErrorBody, ApiKeyView, CreatedApiKey } from '@ultra/contracts';
import { Client } from 'pg';
import { ApiClient } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { jsonRequest } from '../../../../test/support/http';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

let gateway: GatewayTestApp;
let results: FakeResults;
let db: Client;
let alice: string;
let bob: string;

type Answer<T> = T & ApiErrorBody;
const ANALYZE_BODY = { prompt: 'Why is the sky blue?', models: ['mock:alpha', 'mock:beta'] };

const call = <T = unknown>(method: string, path: string, auth: Record<string, string>, body?: unknown) =>
  jsonRequest<Answer<T>>(gateway.url, method, path, { headers: auth, body });
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
const xApiKey = (key: string) => ({ 'x-api-key': key });

async function createKey(token: string, body: object): Promise<CreatedApiKey> {
  const response = await call<CreatedApiKey>('POST', '/api/api-keys', bearer(token), body);
  expect(response.status).toBe(201);
  return response.body;
}

beforeAll(async () => {
  results = await startFakeResults();
  gateway = await startGatewayTestApp({ RESULTS_URL: results.server.url });
  db = new Client({ connectionString: gateway.db.url });
  await db.connect();
  alice = (await new ApiClient(gateway.url).registerUser()).token!;
  bob = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  await db?.end();
  await gateway?.close();
  await results?.server.close();
});

describe('managing keys', () => {
  it('shows the key once, lists it by prefix and stores only its SHA-256', async () => {
    const created = await createKey(alice, { name: 'ci', scopes: ['read', 'analyze'] });
    expect(created.key).toMatch(/^ultra_sk_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'ci', prefix: created.key.slice(0, 17), scopes: ['read', 'analyze'] });

    const listed = await call<ApiKeyView[]>('GET', '/api/api-keys', bearer(alice));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      {
        id: created.id,
        name: 'ci',
        prefix: created.prefix,
        scopes: ['read', 'analyze'],
        createdAt: expect.any(String),
        expiresAt: null,
        lastUsedAt: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.key);

    const { rows } = await db.query<{ hash: string; row: string }>(
      'SELECT hash, to_jsonb(k)::text AS row FROM api_keys k WHERE id = $1',
      [created.id],
    );
    expect(rows[0].hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(rows[0].row).not.toContain(created.key);
    expect(rows[0].row).not.toContain(created.key.slice(17));
  });

  it.each([
    ['an unknown scope', { name: 'x', scopes: ['write'] }],
    ['no scope', { name: 'x', scopes: [] }],
    ['no name', { scopes: ['read'] }],
    ['an expiry in the past', { name: 'x', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' }],
  ])('answers 400 validation_failed for %s', async (_case, body) => {
    const response = await call('POST', '/api/api-keys', bearer(alice), body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('refuses the admin scope to a user who is not an admin', async () => {
    const response = await call('POST', '/api/api-keys', bearer(alice), { name: 'root', scopes: ['admin'] });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('insufficient_scope');
  });

  it('gives the admin scope to an admin, and drops it from the key once the role is taken away', async () => {
    const root = await new ApiClient(gateway.url).registerUser('root@example.com');
    await db.query("UPDATE users SET role = 'admin' WHERE email = 'root@example.com'");
    const key = await createKey(root.token!, { name: 'ops', scopes: ['admin', 'read'] });
    expect(key.scopes).toEqual(['admin', 'read']);
    await db.query("UPDATE users SET role = 'user' WHERE email = 'root@example.com'");
    expect((await call('GET', '/api/patterns', xApiKey(key.key))).status).toBe(200);
  });

  it("answers 404 for another user's key, which keeps working", async () => {
    const bobs = await createKey(bob, { name: 'bob', scopes: ['read'] });
    for (const id of [bobs.id, 'not-a-uuid']) {
      const response = await call('DELETE', `/api/api-keys/${id}`, bearer(alice));
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    expect((await call('GET', '/api/patterns', xApiKey(bobs.key))).status).toBe(200);
  });
});

describe('calling with a key', () => {
  let readKey: CreatedApiKey;
  let analyzeKey: CreatedApiKey;

  beforeAll(async () => {
    readKey = await createKey(alice, { name: 'reader', scopes: ['read'] });
    analyzeKey = await createKey(alice, { name: 'writer', scopes: ['analyze', 'read'] });
  });

  it('accepts the key as a Bearer credential and as x-api-key', async () => {
    expect((await call('GET', '/api/patterns', bearer(readKey.key))).status).toBe(200);
    expect((await call('GET', '/api/available-models', xApiKey(readKey.key))).status).toBe(200);
  });

  it('records the last use', async () => {
    await call('GET', '/api/patterns', xApiKey(readKey.key));
    await eventually('last_used_at is set', async () => {
      const { rows } = await db.query<{ used: Date | null }>(
        'SELECT last_used_at AS used FROM api_keys WHERE id = $1',
        [readKey.id],
      );
      return rows[0]?.used ?? false;
    });
  });

  it('refuses POST /api/analyze to a read key (403) and lets an analyze key start one', async () => {
    const refused = await call('POST', '/api/analyze', xApiKey(readKey.key), ANALYZE_BODY);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_scope', details: { required: ['analyze'] } });
    expect(results.created).toHaveLength(0);

    const accepted = await call<{ id: string }>('POST', '/api/analyze', bearer(analyzeKey.key), ANALYZE_BODY);
    expect(accepted.status).toBe(202);
    expect(results.created.map((command) => command.id)).toEqual([accepted.body.id]);
  });

  it('cannot manage keys, whatever its scopes', async () => {
    for (const [method, path] of [
      ['GET', '/api/api-keys'],
      ['POST', '/api/api-keys'],
      ['DELETE', `/api/api-keys/${readKey.id}`],
    ] as const) {
      const body = method === 'POST' ? { name: 'more', scopes: ['read'] } : undefined;
      const response = await call(method, path, xApiKey(analyzeKey.key), body);
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('insufficient_scope');
    }
  });

  it.each([
    ['a malformed key', 'ultra_sk_short'],
    ['an unknown key', `ultra_sk_${'A'.repeat(43)}`],
    ['an empty x-api-key', ''],
  ])('answers 401 for %s', async (_case, key) => {
    const response = await call('GET', '/api/patterns', xApiKey(key));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });

  it('fails at once once revoked', async () => {
    const key = await createKey(alice, { name: 'short-lived', scopes: ['read'] });
    expect((await call('GET', '/api/patterns', xApiKey(key.key))).status).toBe(200);
    expect((await call('DELETE', `/api/api-keys/${key.id}`, bearer(alice))).status).toBe(204);
    for (const auth of [xApiKey(key.key), bearer(key.key)]) {
      const response = await call('GET', '/api/patterns', auth);
      expect(response.status).toBe(401);
      expect(response.body.error.message).toContain('revoked');
    }
    const listed = await call<ApiKeyView[]>('GET', '/api/api-keys', bearer(alice));
    expect(listed.body.map((view) => view.id)).not.toContain(key.id);
    expect((await call('DELETE', `/api/api-keys/${key.id}`, bearer(alice))).status).toBe(404);
  });

  it('fails once expired', async () => {
    const key = await createKey(alice, { name: 'expiring', scopes: ['read'], expiresAt: '2999-01-01T00:00:00Z' });
    expect((await call('GET', '/api/patterns', xApiKey(key.key))).status).toBe(200);
    await db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [key.id]);
    const response = await call('GET', '/api/patterns', xApiKey(key.key));
    expect(response.status).toBe(401);
    expect(response.body.error.message).toContain('expired');
  });

  it("fails once its user's account is disabled", async () => {
    const carol = (await new ApiClient(gateway.url).registerUser()).token!;
    const key = await createKey(carol, { name: 'carol', scopes: ['read'] });
    expect((await call('GET', '/api/patterns', xApiKey(key.key))).status).toBe(200);
    await db.query('UPDATE users SET disabled_at = now() WHERE id = (SELECT user_id FROM api_keys WHERE id = $1)', [
      key.id,
    ]);
    expect((await call('GET', '/api/patterns', xApiKey(key.key))).status).toBe(401);
  });
});
