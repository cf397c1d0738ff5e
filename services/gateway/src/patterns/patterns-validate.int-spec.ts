import type { ApiErrorBody, CreatedApiKey, PatternInfo, PatternSpec } from '@ultra/contracts';
import { ApiClient } from '../../../../test/support/api';
import { jsonRequest } from '../../../../test/support/http';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { PATTERN_YAML, patternDocument } from '../testing/test-patterns';

type Reply = { valid: true; pattern: PatternSpec } & ApiErrorBody;
type Details = { path: string; message: string }[];

let gateway: GatewayTestApp;
let alice: string;

const yamlHeaders = { 'content-type': 'application/yaml' };
const validate = (body: unknown, headers = {}, token = alice) =>
  jsonRequest<Reply & { error: { details: Details } }>(gateway.url, 'POST', '/api/patterns/validate', {
    body,
    token,
    headers,
  });
const listIds = async () =>
  (
    await jsonRequest<{ patterns: PatternInfo[] }>(gateway.url, 'GET', '/api/patterns', { token: alice })
  ).body.patterns.map((p) => p.id);

beforeAll(async () => {
  gateway = await startGatewayTestApp();
  alice = (await new ApiClient(gateway.url).registerUser()).token!;
});

afterAll(async () => {
  await gateway?.close();
});

describe('POST /api/patterns/validate', () => {
  it('answers a valid JSON document with 200 and the normalized document', async () => {
    const response = await validate(patternDocument({ id: 'checked-json' }));
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(true);
    expect(response.body.pattern).toMatchObject({
      id: 'checked-json',
      stages: [{ id: 'ideas', repeat: { times: '$rounds' } }, { id: 'pick' }],
    });
  });

  it('answers the same document as YAML with the same normalized document', async () => {
    const fromJson = (await validate(patternDocument())).body.pattern;
    const response = await validate(PATTERN_YAML, yamlHeaders);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ valid: true, pattern: fromJson });
  });

  it('does not refuse an id that is taken: editing a pattern checks it under its own id', async () => {
    const builtin = await validate(patternDocument({ id: 'council' }));
    expect(builtin.status).toBe(200);
    expect(builtin.body.pattern.id).toBe('council');
  });

  it('answers a YAML syntax error with create’s 400 validation_failed naming the line', async () => {
    const response = await validate('id: broken\nstages: [\n  - x: 1\n', yamlHeaders);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/YAML body is not valid: line \d+, column \d+: /),
      details: [{ path: 'body', message: expect.stringMatching(/line \d+/) }],
    });
  });

  it('answers a schema error with 400 invalid_pattern naming each field', async () => {
    const body = { ...patternDocument({ id: 'Not A Slug' }), colour: 'blue' };
    const response = await validate(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_pattern');
    expect(response.body.error.message).toContain('invalid pattern');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'id', message: expect.stringContaining('must be a slug') },
        { path: 'pattern', message: expect.stringContaining('colour') },
      ]),
    );
  });

  it('refuses a reference to a later stage, like create', async () => {
    const early = {
      id: 'early',
      label: 'Early',
      kind: 'generate',
      participants: 'all',
      prompt: { user: '{{own.pick}}' },
    };
    const response = await validate({ ...patternDocument(), stages: [early, ...patternDocument().stages] });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { path: 'stages.0.prompt.user', message: expect.stringContaining('stage "pick" does not come before') },
    ]);
  });

  it('refuses a pattern over MAX_CALLS_PER_ANALYSIS at its largest parameters', async () => {
    const document = patternDocument({
      params: { rounds: { type: 'integer', default: 1, min: 1, max: 9 } },
    });
    const response = await validate(document);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_pattern');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([{ path: 'stages', message: expect.stringContaining('the limit is 64') }]),
    );
  });

  it('stored nothing', async () => {
    const ids = await listIds();
    expect(ids).not.toContain('checked-json');
    expect(ids).not.toContain('brainstorm');
    // Nothing stood in the way of creating what was only checked.
    const created = await jsonRequest(gateway.url, 'POST', '/api/patterns', { body: patternDocument(), token: alice });
    expect(created.status).toBe(201);
  });

  it('refuses a content type other than JSON or YAML with 415', async () => {
    const response = await validate('id: x', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
  });

  it('takes an API key with the analyze scope, like create, and refuses a read-only one with 403', async () => {
    const keyWith = async (scopes: string[]) =>
      (
        await jsonRequest<CreatedApiKey>(gateway.url, 'POST', '/api/api-keys', {
          token: alice,
          body: { name: scopes.join('+'), scopes },
        })
      ).body.key;
    expect((await validate(patternDocument(), {}, await keyWith(['analyze']))).status).toBe(200);
    const readOnly = await validate(patternDocument(), {}, await keyWith(['read']));
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error).toMatchObject({ code: 'insufficient_scope', details: { required: ['analyze'] } });
  });

  it('answers 401 without a token', async () => {
    const response = await validate(patternDocument(), {}, '');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });
});
