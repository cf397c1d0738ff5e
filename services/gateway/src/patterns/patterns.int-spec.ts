import type { ApiErrorBody, PatternInfo, PatternSpec, PatternSpecInput } from '@ultra/contracts';
import { stringify } from 'yaml';
import { ApiClient } from '../../../../test/support/api';
import { jsonRequest } from '../../../../test/support/http';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { PATTERN_YAML, patternDocument } from '../testing/test-patterns';

interface PatternDocumentBody {
  pattern: PatternInfo;
  spec: PatternSpec;
}
type Reply = PatternDocumentBody & ApiErrorBody;
type Details = { path: string; message: string }[];

let gateway: GatewayTestApp;
let alice: string;
let bob: string;

const call = <T = Reply>(method: string, path: string, body?: unknown, token = alice, headers = {}) =>
  jsonRequest<T & ApiErrorBody>(gateway.url, method, path, { body, token, headers });
const list = (token = alice) => call<{ patterns: PatternInfo[] }>('GET', '/api/patterns', undefined, token);

/** A generate stage of the test document, for building broken ones. */
const stage = (id: string, user: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: id,
  kind: 'generate',
  participants: 'all',
  prompt: { user },
  ...extra,
});

beforeAll(async () => {
  gateway = await startGatewayTestApp();
  alice = (await new ApiClient(gateway.url).registerUser()).token!;
  bob = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  await gateway?.close();
});

describe('POST /api/patterns', () => {
  it('creates the caller’s pattern from JSON: 201 with its outline and the checked document', async () => {
    const response = await call('POST', '/api/patterns', patternDocument());
    expect(response.status).toBe(201);
    expect(response.body.pattern).toEqual({
      id: 'brainstorm',
      name: 'Brainstorm',
      description: expect.any(String),
      source: 'user',
      params: { rounds: { type: 'integer', default: 1, min: 1, max: 3, description: 'refinement rounds' } },
      stages: [
        { id: 'ideas', label: 'Ideas', kind: 'generate' },
        { id: 'pick', label: 'Pick', kind: 'generate' },
      ],
    });
    expect(response.body.spec).toMatchObject({ id: 'brainstorm', stages: [{ repeat: { times: '$rounds' } }, {}] });
  });

  it('lists it after the built-ins, to its owner only, and reads it back', async () => {
    const mine = await list();
    expect(mine.body.patterns.at(-1)).toMatchObject({ id: 'brainstorm', source: 'user' });
    expect(mine.body.patterns.filter((p) => p.source === 'builtin').length).toBeGreaterThanOrEqual(17);
    expect((await list(bob)).body.patterns.map((p) => p.id)).not.toContain('brainstorm');

    const read = await call('GET', '/api/patterns/brainstorm');
    expect(read.status).toBe(200);
    expect(read.body.pattern).toMatchObject({ id: 'brainstorm', source: 'user' });
    expect(read.body.spec.stages.map((s) => s.id)).toEqual(['ideas', 'pick']);
  });

  it('creates one pattern when the same id is posted many times at once; the rest get 409', async () => {
    const document = { ...patternDocument(), id: 'race' };
    const replies = await Promise.all(Array.from({ length: 12 }, () => call('POST', '/api/patterns', document)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(11).fill(409)]);
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('pattern_exists');
    expect((await list()).body.patterns.filter((p) => p.id === 'race')).toHaveLength(1);
  });

  it('answers another user’s pattern with 404 not_found', async () => {
    const response = await call('GET', '/api/patterns/brainstorm', undefined, bob);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('lets everyone read a built-in', async () => {
    const response = await call('GET', '/api/patterns/council', undefined, bob);
    expect(response.status).toBe(200);
    expect(response.body.pattern).toMatchObject({ id: 'council', source: 'builtin' });
    expect(response.body.spec.id).toBe('council');
  });

  it('answers an unknown id with 404', async () => {
    for (const id of ['nothing-here', 'Not A Slug']) {
      const response = await call('GET', `/api/patterns/${encodeURIComponent(id)}`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
  });

  it('refuses an id the caller already has, or a built-in’s, with 409 pattern_exists', async () => {
    const again = await call('POST', '/api/patterns', patternDocument());
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'pattern_exists', message: expect.stringContaining('PUT') });

    const builtin = await call('POST', '/api/patterns', patternDocument({ id: 'council' }));
    expect(builtin.status).toBe(409);
    expect(builtin.body.error).toMatchObject({ code: 'pattern_exists', message: expect.stringContaining('built-in') });
  });

  it('lets another user create a pattern of the same id', async () => {
    const response = await call('POST', '/api/patterns', patternDocument(), bob);
    expect(response.status).toBe(201);
  });

  it.each(['application/yaml', 'application/x-yaml', 'text/yaml', 'application/yaml; charset=utf-8'])(
    'accepts the document as YAML (%s)',
    async (contentType) => {
      const id = `yaml-${contentType.replace(/[^a-z]+/g, '-')}`.slice(0, 40);
      const yaml = PATTERN_YAML.replace('id: brainstorm', `id: ${id}`);
      const response = await call('POST', '/api/patterns', yaml, alice, { 'content-type': contentType });
      expect(response.status).toBe(201);
      const fromJson = (await call('GET', '/api/patterns/brainstorm')).body.spec;
      expect(response.body.spec).toEqual({ ...fromJson, id });
    },
  );

  it('answers a YAML syntax error with 400 naming the line', async () => {
    const response = await call('POST', '/api/patterns', 'id: broken\nstages: [\n  - x: 1\n', alice, {
      'content-type': 'application/yaml',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/YAML body is not valid: line \d+, column \d+: /),
      details: [{ path: 'body', message: expect.stringMatching(/line \d+/) }],
    });
  });

  it('answers a YAML body over the body limit with 413', async () => {
    const huge = `id: huge\ndescription: "${'x'.repeat(2_000_000)}"\n`;
    const response = await call('POST', '/api/patterns', huge, alice, { 'content-type': 'application/yaml' });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });
});

describe('POST /api/patterns refuses an invalid document with 400 invalid_pattern naming each field', () => {
  const base = patternDocument({ id: 'broken' });
  const cases: [string, unknown, string, string][] = [
    ['no body', undefined, 'pattern', 'expected object'],
    ['a document that is not an object', '"just text"', 'pattern', 'expected object'],
    ['a missing name', { ...base, name: undefined }, 'name', ''],
    ['an id that is not a slug', { ...base, id: 'Broken Pattern' }, 'id', 'must be a slug'],
    ['an unknown field', { ...base, colour: 'blue' }, 'pattern', 'colour'],
    ['no stages', { ...base, stages: [] }, 'stages', ''],
    [
      'an unknown stage kind',
      { ...base, stages: [{ ...stage('a', '{{question}}'), kind: 'think' }] },
      'stages.0.kind',
      '',
    ],
    [
      'an unknown template variable',
      { ...base, stages: [stage('a', '{{question}} {{secret}}')] },
      'stages.0.prompt.user',
      'unknown template variable {{secret}}',
    ],
    [
      'a reference to a stage that does not exist',
      { ...base, stages: [stage('a', '{{question}}'), stage('b', '{{others.nope}}')] },
      'stages.1.prompt.user',
      'stage "nope" does not exist',
    ],
    [
      'a reference to a later stage',
      { ...base, stages: [stage('a', '{{own.b}}'), stage('b', '{{question}}')] },
      'stages.0.prompt.user',
      'stage "b" does not come before this stage',
    ],
    [
      'a stage referring to itself',
      { ...base, stages: [stage('a', '{{question}}'), stage('b', '{{all.b}}')] },
      'stages.1.prompt.user',
      'stage "b" does not come before this stage',
    ],
    [
      'an undeclared parameter',
      { ...base, params: {}, stages: [stage('a', '{{question}}', { repeat: { times: '$rounds' } })] },
      'stages.0.repeat.times',
      'parameter "rounds" is not declared in params',
    ],
    [
      'a default outside its bounds',
      { ...base, params: { rounds: { type: 'integer', default: 9, min: 1, max: 3 } } },
      'params.rounds.default',
      'default must lie within [1, 3]',
    ],
    [
      'too many calls at the largest parameters',
      {
        ...base,
        params: { rounds: { type: 'integer', default: 1, min: 1, max: 9 } },
        stages: [stage('a', '{{question}}', { repeat: { times: '$rounds' } })],
      },
      'stages',
      'at its largest parameters and 8 models the pattern makes 72 model calls; the limit is 64',
    ],
    [
      'a prompt over the size limit',
      { ...base, stages: [stage('a', `{{question}} ${'x'.repeat(20_001)}`)] },
      'stages.0.prompt.user',
      '20000',
    ],
    [
      'an aggregate of a stage without the shape it needs',
      {
        ...base,
        stages: [
          stage('a', '{{question}}'),
          { id: 'tally', label: 'Tally', kind: 'aggregate', use: 'borda', from: 'a' },
        ],
      },
      'stages.1.from',
      'borda needs stage "a" to answer with output {format: json, schema: ranking}',
    ],
  ];

  it.each(cases)('%s', async (_case, body, path, message) => {
    const response = await call<{ error: { details: Details } }>('POST', '/api/patterns', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_pattern');
    expect(response.body.error.message).toContain('invalid pattern');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([{ path, message: expect.stringContaining(message) }]),
    );
  });

  it('lists every problem at once', async () => {
    const body = { ...base, stages: [stage('a', '{{secret}}'), stage('b', '{{own.c}} {{params.x}}')] };
    const response = await call<{ error: { details: Details } }>('POST', '/api/patterns', body);
    expect(response.body.error.details.map((d) => d.path)).toEqual([
      'stages.0.prompt.user',
      'stages.1.prompt.user',
      'stages.1.prompt.user',
    ]);
  });

  it('stored none of them', async () => {
    expect((await list()).body.patterns.map((p) => p.id)).not.toContain('broken');
  });
});

describe('PUT /api/patterns/:id', () => {
  const renamed: PatternSpecInput = patternDocument({ name: 'Brainstorm, renamed' });

  it('replaces the caller’s pattern', async () => {
    const response = await call('PUT', '/api/patterns/brainstorm', renamed);
    expect(response.status).toBe(200);
    expect(response.body.pattern).toMatchObject({ id: 'brainstorm', name: 'Brainstorm, renamed', source: 'user' });
    expect((await call('GET', '/api/patterns/brainstorm')).body.spec.name).toBe('Brainstorm, renamed');
    // Bob's pattern of the same id is his own.
    expect((await call('GET', '/api/patterns/brainstorm', undefined, bob)).body.spec.name).toBe('Brainstorm');
  });

  it('accepts YAML too', async () => {
    const response = await call('PUT', '/api/patterns/brainstorm', stringify(renamed), alice, {
      'content-type': 'application/yaml',
    });
    expect(response.status).toBe(200);
  });

  it('refuses a document whose id differs from the path with 400 validation_failed', async () => {
    const response = await call<{ error: { details: Details } }>(
      'PUT',
      '/api/patterns/brainstorm',
      patternDocument({ id: 'other' }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details).toEqual([{ path: 'id', message: expect.stringContaining('"brainstorm"') }]);
  });

  it('refuses an invalid document with 400 invalid_pattern and keeps the old one', async () => {
    const response = await call('PUT', '/api/patterns/brainstorm', { ...renamed, stages: [stage('a', '{{nope}}')] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_pattern');
    expect((await call('GET', '/api/patterns/brainstorm')).body.spec.stages).toHaveLength(2);
  });

  it('answers 409 for a built-in: built-ins cannot be changed', async () => {
    const response = await call('PUT', '/api/patterns/council', patternDocument({ id: 'council' }));
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      code: 'pattern_exists',
      message: expect.stringContaining('cannot be changed'),
    });
  });

  it('answers 404 for another user’s pattern or a missing one', async () => {
    const other = await call(
      'PUT',
      '/api/patterns/yaml-application-yaml',
      patternDocument({ id: 'yaml-application-yaml' }),
      bob,
    );
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    const missing = await call('PUT', '/api/patterns/nothing-here', patternDocument({ id: 'nothing-here' }));
    expect(missing.status).toBe(404);
  });
});

describe('DELETE /api/patterns/:id', () => {
  it('answers 409 for a built-in and 404 for another user’s', async () => {
    expect((await call('DELETE', '/api/patterns/council')).status).toBe(409);
    const other = await call('DELETE', '/api/patterns/yaml-application-yaml', undefined, bob);
    expect(other.status).toBe(404);
    expect((await call('GET', '/api/patterns/yaml-application-yaml')).status).toBe(200);
  });

  it('deletes the caller’s pattern: 204, then 404', async () => {
    const response = await call('DELETE', '/api/patterns/brainstorm');
    expect(response.status).toBe(204);
    expect((await call('GET', '/api/patterns/brainstorm')).status).toBe(404);
    expect((await call('DELETE', '/api/patterns/brainstorm')).status).toBe(404);
    // Bob's is untouched.
    expect((await call('GET', '/api/patterns/brainstorm', undefined, bob)).status).toBe(200);
  });
});
