import type { ApiErrorBody } from '@ultra/contracts';
import { ApiClient } from '../../../../test/support/api';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

let gateway: GatewayTestApp;
let token: string;
const ALLOWED = 'https://app.example.com';

beforeAll(async () => {
  gateway = await startGatewayTestApp({ CORS_ORIGINS: `${ALLOWED},http://localhost:5173`, HSTS_MAX_AGE_S: '86400' });
  token = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  await gateway?.close();
});

async function send(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer | FormData } = {},
) {
  const response = await fetch(`${gateway.url}${path}`, { method, ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text || 'null') as unknown };
}

describe('media types', () => {
  it.each([
    ['POST', '/api/auth/login', 'application/x-www-form-urlencoded', 'email=a%40example.com&password=x'],
    ['POST', '/api/auth/register', 'application/x-www-form-urlencoded', 'email=a%40example.com&password=x'],
    ['POST', '/api/analyze', 'application/x-www-form-urlencoded', 'prompt=hi&models=mock:alpha'],
    ['POST', '/api/analyze', 'text/plain', '{"prompt":"hi","models":["mock:alpha"]}'],
    ['POST', '/api/analyze', 'text/yaml', 'prompt: hi'],
    ['POST', '/api/analyze', 'multipart/form-data; boundary=x', '--x--\r\n'],
  ])('%s %s refuses %s with 415', async (method, path, contentType, body) => {
    const answer = await send(method, path, {
      headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
      body,
    });
    expect(answer.status).toBe(415);
    expect((answer.body as ApiErrorBody).error.code).toBe('unsupported_media_type');
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  it('still takes YAML on the pattern routes and multipart on the upload route', async () => {
    const yaml = await send('POST', '/api/patterns', {
      headers: { 'content-type': 'text/yaml', authorization: `Bearer ${token}` },
      body: 'id: [unclosed',
    });
    expect(yaml.status).toBe(400);
    expect(yaml.text).toContain('YAML');
    const form = new FormData();
    form.append('file', new Blob(['hello notes']), 'notes.txt');
    const upload = await send('POST', '/api/documents', { headers: { authorization: `Bearer ${token}` }, body: form });
    expect(upload.status).toBe(201);
  });

  it('refuses JSON on the upload route with 415', async () => {
    const answer = await send('POST', '/api/documents', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(answer.status).toBe(415);
    expect((answer.body as ApiErrorBody).error.code).toBe('unsupported_media_type');
  });

  it('answers a JSON body over BODY_LIMIT_BYTES with 413 in the JSON shape', async () => {
    const answer = await send('POST', '/api/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1_100_000) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });
});

describe('security headers', () => {
  it('are on API answers, errors included, with the strict CSP and HSTS', async () => {
    for (const path of ['/api/health', '/api/nothing-here']) {
      const answer = await send('GET', path);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('strict-transport-security')).toBe('max-age=86400; includeSubDomains');
      expect(answer.headers.get('x-powered-by')).toBeNull();
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
    expect((await send('GET', '/api/nothing-here')).status).toBe(404);
  });

  it('relax the CSP for Swagger UI under /api/docs only', async () => {
    const docs = await fetch(`${gateway.url}/api/docs/`);
    expect(docs.status).toBe(200);
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    const openapi = await fetch(`${gateway.url}/api/openapi.json`);
    expect(openapi.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });
});

describe('CORS', () => {
  it('answers an allowed origin with its headers and the exposed ones', async () => {
    const answer = await send('GET', '/api/health', { headers: { origin: ALLOWED } });
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const name of ['x-request-id', 'ratelimit-remaining', 'retry-after', 'idempotent-replayed']) {
      expect(exposed).toContain(name);
    }
  });

  it('gives another origin no CORS header', async () => {
    const answer = await send('GET', '/api/health', { headers: { origin: 'https://evil.example.com' } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight of an allowed origin', async () => {
    const answer = await send('OPTIONS', '/api/analyze', {
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect(answer.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('gives a preflight of another origin no CORS header', async () => {
    const answer = await send('OPTIONS', '/api/analyze', {
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});
