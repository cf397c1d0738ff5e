import fc from 'fast-check';
import type { DocumentedRoute } from './security';

/** One malformed (or merely odd) request, as the fuzz test sends it. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Credentials a caller might send: a real token or key of a user, or something that only looks like one. */
export interface FuzzCredentials {
  accessToken: string;
  apiKey: string;
}

const hostile = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uD83D',
  '😀',
  '\u202E',
  '../../etc/passwd',
  '%2e%2e%2f',
  '%00',
  '%',
  '%ZZ',
  'null',
  'true',
  '-1',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '00000000-0000-0000-0000-000000000000',
);
const text = fc.oneof(
  { weight: 4, arbitrary: hostile },
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

/** JSON-ish values with the types every schema does not expect, pollution keys and deep nesting. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostile, fc.string({ maxLength: 10 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const deep = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

const rawBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 20, arbitrary: value.map((v) => JSON.stringify(v) ?? '') },
  {
    weight: 20,
    arbitrary: fc
      .dictionary(
        fc.constantFrom('prompt', 'models', 'email', 'password', 'name', 'scopes', 'apiKey', 'refreshToken'),
        value,
      )
      .map((o) => JSON.stringify(o)),
  },
  {
    weight: 10,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"isAdmin":true,"role":"admin"}}',
      '{"constructor":{"prototype":{"role":"admin"}}}',
      '{"prompt":"q","models":["mock:alpha"],"__proto__":{"polluted":1}}',
      '{"email":"a@b.c","password":"x","__proto__":null}',
      '{',
      '}',
      '{"a":',
      '[1,2,',
      '"\\uD800"',
      '{"prompt":"\\u0000"}',
      'null',
      '',
      '\u0000\u0000',
      'email=a%40b.c&password=x',
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((d) => deep(d, '[', ']')) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((d) => deep(d, '{"a":', '}')) },
  // Rare and lazily built: a body over the size limits.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(70_000, 300_000, 1_200_000, 3_000_000)
      .map((n) => JSON.stringify({ prompt: 'p'.repeat(n) })),
  },
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/JSON',
  'application/json, text/plain',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/yaml',
  'application/xml',
  'application/octet-stream',
  '*/*',
  ';;;',
  'application/json; boundary=',
  'x'.repeat(5_000),
);

function authorization(credentials: FuzzCredentials): fc.Arbitrary<Record<string, string>> {
  return fc.oneof(
    fc.constant({}),
    fc.constant({ authorization: `Bearer ${credentials.accessToken}` }),
    fc.constant({ authorization: `Bearer ${credentials.apiKey}` }),
    fc.constant({ 'x-api-key': credentials.apiKey }),
    fc
      .constantFrom(
        'Bearer',
        'Bearer ',
        'bearer x.y.z',
        'Basic dXNlcjpwYXNz',
        'Bearer ultra_sk_',
        `Bearer ultra_sk_${'A'.repeat(43)}`,
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        `Bearer ${'a'.repeat(12_000)}`,
      )
      .map((value) => ({ authorization: value })),
    fc.constantFrom('', 'ultra_sk_x', `ultra_sk_${'B'.repeat(43)}`).map((value) => ({ 'x-api-key': value })),
  );
}

/** Header values Node will put on the wire (no control characters), some of them huge. */
const headerValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 50 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  },
  { weight: 1, arbitrary: fc.nat({ max: 40_000 }).map((n) => 'h'.repeat(n)) },
);
const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'x-request-id',
    'accept',
    'origin',
    'range',
    'if-none-match',
    'x-forwarded-for',
    'last-event-id',
    'accept-encoding',
    'x-custom',
  ),
  headerValue,
  { maxKeys: 3 },
);

/** encodeURIComponent throws on lone surrogates: they become U+FFFD first. */
const encode = (value: string) =>
  encodeURIComponent(
    value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );

function pathOf(route: DocumentedRoute): fc.Arbitrary<string> {
  const param = fc.oneof(fc.uuid(), text);
  const filled = fc.array(param, { minLength: route.params.length, maxLength: route.params.length }).map((values) => {
    let i = 0;
    return route.path.replace(/\{\w+\}/g, () => encode(values[i++] ?? ''));
  });
  const query = fc
    .array(
      fc.tuple(
        fc.oneof(hostile, fc.constantFrom('limit', 'cursor', 'format', 'q', 'token', 'status', '__proto__[x]')),
        text,
      ),
      {
        maxLength: 4,
      },
    )
    .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));
  return fc
    .tuple(
      filled,
      query,
      fc.constantFrom('', '/', '//', '/..', '/%2e%2e', '/x', '%00', '/%ZZ', ';x', '%C0%AF', '/%FF%FE', '?a=%E0%80'),
    )
    .map(([path, q, tail]) => `${path}${tail}${q ? `?${q}` : ''}`);
}

/** Requests against the documented routes: their own method or another, odd paths, bodies and headers. */
export function fuzzRequests(routes: DocumentedRoute[], credentials: FuzzCredentials): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      fc
        .constantFrom(...routes)
        .chain((route) =>
          fc.tuple(
            fc.oneof(
              { weight: 4, arbitrary: fc.constant(route.method) },
              fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
            ),
            pathOf(route),
          ),
        ),
      authorization(credentials),
      fc.option(fc.tuple(contentType, rawBody), { freq: 3 }),
      extraHeaders,
    )
    .map(([[method, path], auth, body, headers]) => ({
      method,
      path,
      headers: { ...headers, ...auth, ...(body ? { 'content-type': body[0] } : {}) },
      body: body && method !== 'GET' && method !== 'HEAD' ? Buffer.from(body[1], 'utf8') : undefined,
    }));
}
