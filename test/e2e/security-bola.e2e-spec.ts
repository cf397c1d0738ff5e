import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthResponse } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { type DocumentedRoute, documentedRoutes, fillPath } from '../support/security';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta'];
const pattern = (id: string, name = 'Private pattern') => ({
  id,
  name,
  description: 'Every model answers, then the ultra model picks the best parts of the answers.',
  stages: [{ id: 'answer', label: 'Answers', kind: 'generate', participants: 'all', prompt: { user: '{{question}}' } }],
});

/** Raw call that reads only the status and error of an answer: a wrongly opened event stream must not hang. */
async function call(
  client: ApiClient,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const controller = new AbortController();
  const response = await fetch(`${client.baseUrl}${path}`, {
    method,
    signal: controller.signal,
    headers: {
      authorization: `Bearer ${client.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    controller.abort();
    return { status: response.status, body: 'an event stream' };
  }
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

describe('security: BOLA — user B gets 404 for every resource of user A, on every documented route', () => {
  let stack: TestStack;
  let a: ApiClient;
  let b: ApiClient;
  let aUserId: string;
  const ids: Record<string, string> = {};
  let routes: DocumentedRoute[];

  async function register(): Promise<{ client: ApiClient; id: string }> {
    const anonymous = new ApiClient(stack.baseUrl);
    const res = await anonymous.request<AuthResponse>('POST', '/api/auth/register', {
      email: `bola-${randomUUID()}@example.com`,
      password: 'correct horse battery staple',
    });
    if (res.status !== 201) throw new Error(`register answered ${res.status} ${JSON.stringify(res.body)}`);
    return { client: new ApiClient(stack.baseUrl, res.body.accessToken), id: res.body.user.id };
  }

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 1,
      env: { MOCK_LATENCY_MS: '5', KEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` },
    });
    const [first, second] = [await register(), await register()];
    [a, b, aUserId] = [first.client, second.client, first.id];

    const accepted = await a.request<{ id: string }>('POST', '/api/analyze', { prompt: 'A private question', models });
    expect(accepted.status).toBe(202);
    ids.analysis = accepted.body.id;
    ids.stage = (await a.waitForAnalysis(ids.analysis)).stages[0].id;
    ids.thread = ids.analysis;

    ids.pattern = `private-${randomUUID().slice(0, 8)}`;
    expect((await a.request('POST', '/api/patterns', pattern(ids.pattern))).status).toBe(201);

    const form = new FormData();
    form.append('file', new Blob(['A private document about tides.'], { type: 'text/plain' }), 'tides.txt');
    const uploaded = await fetch(`${stack.baseUrl}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}` },
      body: form,
    });
    const document = (await uploaded.json()) as { id: string };
    expect({ status: uploaded.status, document }).toMatchObject({ status: 201 });
    ids.document = document.id;

    const key = await a.request<{ id: string }>('POST', '/api/api-keys', { name: 'a key', scopes: ['read'] });
    expect(key.status).toBe(201);
    ids.apiKey = key.body.id;

    const providerKey = await a.request('PUT', '/api/provider-keys/openai', { apiKey: 'sk-a-private-key-0123456789' });
    expect(`${providerKey.status} ${JSON.stringify(providerKey.body)}`).toMatch(/^20[014] /);

    routes = await documentedRoutes(stack.baseUrl);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** A's resource for a route's path parameter, by the collection it belongs to; undefined for an unknown one. */
  function valuesFor(route: DocumentedRoute): Record<string, string> | undefined {
    // The compatible API names A's own pattern as the model `ultra/<id>`: whole (encoded), or in two segments.
    if (route.path === '/v1/models/{id}') return { id: `ultra/${ids.pattern}` };
    if (route.path === '/v1/models/{id}/{name}') return { id: 'ultra', name: ids.pattern };
    const values: Record<string, string> = {};
    for (const param of route.params) {
      const collection = route.path.split(`/{${param}}`)[0].split('/').at(-1);
      const value = {
        analyses: ids.analysis,
        threads: ids.thread,
        patterns: ids.pattern,
        documents: ids.document,
        'api-keys': ids.apiKey,
        'provider-keys': 'openai',
        users: aUserId,
      }[collection ?? ''];
      if (!value) return undefined;
      values[param] = value;
    }
    return values;
  }

  /** Valid bodies, so that validation cannot answer before the ownership check does. */
  function bodyFor(route: DocumentedRoute): unknown {
    if (!route.bodyTypes.length) return undefined;
    if (route.path.endsWith('/follow-ups')) return { prompt: 'B asks about A' };
    if (route.path.endsWith('/rerun')) return { fromStage: ids.stage };
    if (route.path.startsWith('/api/patterns/')) return pattern(ids.pattern, 'Changed by B');
    return {};
  }

  it('documents the routes of every resource kind, and the test knows a resource of A for each of them', () => {
    const paths = routes.map((r) => r.path);
    for (const expected of [
      /^\/api\/analyses\/\{\w+\}$/,
      /^\/api\/analyses\/\{\w+\}\/events$/,
      /^\/api\/analyses\/\{\w+\}\/export$/,
      /^\/api\/analyses\/\{\w+\}\/rerun$/,
      /^\/api\/analyses\/\{\w+\}\/follow-ups$/,
      /^\/api\/analyses\/\{\w+\}\/cancel$/,
      /^\/api\/analyses\/\{\w+\}\/stream-token$/,
      /^\/api\/patterns\/\{\w+\}$/,
      /^\/api\/documents\/\{\w+\}$/,
      /^\/api\/threads\/\{\w+\}$/,
      /^\/api\/api-keys\/\{\w+\}$/,
      /^\/api\/provider-keys\/\{\w+\}$/,
    ]) {
      expect(paths.some((p) => expected.test(p)) ? expected.source : `missing ${expected.source}`).toBe(
        expected.source,
      );
    }
    const unknown = routes.filter((r) => r.params.length && !valuesFor(r)).map((r) => `${r.method} ${r.path}`);
    expect(unknown).toEqual([]);
  });

  it('answers 404 (not 403, not 2xx) to B on every route with an id of A', async () => {
    const wrong: string[] = [];
    const checked: string[] = [];
    for (const route of routes.filter((r) => r.params.length && !r.public)) {
      const values = valuesFor(route);
      if (!values) continue;
      // B's own provider key for a provider is B's resource, not A's: a PUT there only creates B's.
      if (route.method === 'PUT' && route.path.startsWith('/api/provider-keys/')) continue;
      checked.push(`${route.method} ${route.path}`);
      const res = await call(b, route.method, fillPath(route.path, values), bodyFor(route));
      // Admin routes are refused to a non-admin as a whole (403) or hidden (404); never carried out.
      const allowed = route.path.startsWith('/api/admin/') ? [403, 404] : [404];
      if (!allowed.includes(res.status))
        wrong.push(`${route.method} ${route.path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    // Running A's pattern through the compatible API is refused like reading it: 404, as an unknown model.
    for (const path of ['/v1/chat/completions', '/v1/responses', '/v1/messages']) {
      const body = {
        model: `ultra/${ids.pattern}`,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
        input: 'x',
      };
      const res = await call(b, 'POST', path, body);
      if (res.status !== 404) wrong.push(`POST ${path} with A's pattern → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(wrong).toEqual([]);
    // Every route with an id of analyses, patterns, documents, threads, api-keys and provider-keys, at least.
    expect(checked.length).toBeGreaterThanOrEqual(14);
  });

  it('leaves A’s resources as they were and lists none of them to B', async () => {
    expect((await a.request('GET', `/api/analyses/${ids.analysis}`)).status).toBe(200);
    expect((await a.request('GET', `/api/threads/${ids.thread}`)).status).toBe(200);
    expect((await a.request('GET', `/api/documents/${ids.document}`)).status).toBe(200);
    expect((await a.request('GET', `/api/patterns/${ids.pattern}`)).body).toMatchObject({
      spec: { name: 'Private pattern' },
    });
    const keys = await a.request<unknown>('GET', '/api/api-keys');
    expect(JSON.stringify(keys.body)).toContain(ids.apiKey);
    const providerKeys = await a.request<unknown>('GET', '/api/provider-keys');
    expect(JSON.stringify(providerKeys.body)).toContain('6789');

    for (const [path, secret] of [
      ['/api/analyses', ids.analysis],
      ['/api/documents', ids.document],
      ['/api/patterns', ids.pattern],
      ['/api/api-keys', ids.apiKey],
      ['/api/provider-keys', '6789'],
    ]) {
      const listed = await b.request('GET', path);
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
    }
  });
});
