import { type PatternSpec, patternSpecSchema } from '@ultra/contracts';
import { parseAllowHosts } from '@ultra/platform';
import { ApiException } from '../common/api-exception';
import { BreakerSnapshots, type BreakerStatus } from '../catalog/breaker-status.service';
import { CatalogService } from '../catalog/catalog.service';
import { ModelPreflight } from '../catalog/model-preflight.service';
import { ProviderAvailability } from '../catalog/provider-availability';
import { gatewayConfig } from '../config/gateway.config';
import { loadPatterns } from '../patterns/pattern-files';
import { PatternRegistry } from '../patterns/pattern-registry';
import type { UserPatternEntity } from '../patterns/user-pattern.entity';
import type { UserPatternsRepository } from '../patterns/user-patterns.repository';
import type { ProviderKeysRepository } from '../provider-keys/provider-keys.repository';
import { patternDocument } from '../testing/test-patterns';
import { AnalysisRequestValidator } from './analysis-request.validator';
import { DocumentSelectionService } from '../documents/document-selection.service';
import type { DocumentsRepository } from '../documents/documents.repository';
import { CallbackUrlValidator } from '../webhooks/callback-url.validator';

const config = gatewayConfig.parse({
  DATABASE_URL: 'postgres://u@localhost/db',
  MAX_PROMPT_CHARS: '50',
  MAX_CALLS_PER_ANALYSIS: '13',
});
const alice = 'f5b0c8f4-1d0e-4c59-8d7a-1f2e3d4c5b6a';
const bob = '0a4c9e5e-55c1-4a2b-9d7e-3c8b1f6a2d90';

/**
 * Alice's own patterns: brainstorm, one that names a model whose provider has no key, and one stored when the
 * call limit was higher.
 */
const own: Record<string, unknown> = {
  brainstorm: patternSpecSchema.parse(patternDocument()),
  keyed: patternSpecSchema.parse(
    patternDocument({
      id: 'keyed',
      params: {},
      stages: [
        {
          id: 'answer',
          label: 'Answer',
          kind: 'generate',
          participants: { models: ['mock:alpha', 'openai:gpt-4o'] },
          prompt: { user: '{{question}}' },
        },
      ],
    }),
  ),
  wide: patternSpecSchema.parse(
    patternDocument({
      id: 'wide',
      params: {},
      stages: [
        {
          id: 'drafts',
          label: 'Drafts',
          kind: 'generate',
          participants: { sample: { model: 'ultra', n: 14 } },
          prompt: { user: '{{question}}' },
        },
      ],
    }),
  ),
};
const row = (userId: string, slug: string): UserPatternEntity | null =>
  userId === alice && own[slug] ? ({ userId, slug, spec: own[slug] } as UserPatternEntity) : null;
const users = {
  find: (userId: string, slug: string) => Promise.resolve(row(userId, slug)),
  listOf: (userId: string) => Promise.resolve(Object.keys(own).flatMap((slug) => row(userId, slug) ?? [])),
} as unknown as UserPatternsRepository;

// The built-ins were checked at the default limit; this validator allows fewer calls, to test the limit.
const registry = new PatternRegistry(loadPatterns({ ...config, MAX_CALLS_PER_ANALYSIS: 64 }), users);
const availability = new ProviderAvailability(config);
const catalog = new CatalogService(config, availability);
// Every breaker closed: the breakers' part of preflight is tested against Redis in preflight.int-spec.ts.
const closedBreakers = {
  snapshots: () => Promise.resolve(new BreakerSnapshots(new Map(), Date.now())),
} as unknown as BreakerStatus;
const validator = new AnalysisRequestValidator(
  config,
  catalog,
  registry,
  // Nobody has a key of their own here: BYOK is tested in test/e2e/provider-keys.e2e-spec.ts.
  new ModelPreflight(catalog, availability, closedBreakers, {
    providersOf: () => Promise.resolve(new Set<string>()),
  } as unknown as ProviderKeysRepository),
  // Nobody owns a document here: documentIds are tested in test/e2e/documents.e2e-spec.ts.
  new DocumentSelectionService({ findOwned: () => Promise.resolve([]) } as unknown as DocumentsRepository, config),
  new CallbackUrlValidator({ ...config, WEBHOOK_ALLOW_HOSTS: parseAllowHosts('127.0.0.1') }),
);
const builtin = (id: string): PatternSpec => registry.builtin(id)!;

async function rejection(body: unknown, userId = alice): Promise<ApiException> {
  try {
    await validator.validate(body, userId);
  } catch (error) {
    if (error instanceof ApiException) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('AnalysisRequestValidator', () => {
  it('fills in the defaults: pattern confidence, ultra model = first model, no options; trims the prompt', async () => {
    expect(await validator.validate({ prompt: '  hello  ', models: ['mock:beta', 'mock:alpha'] }, alice)).toEqual({
      prompt: 'hello',
      models: ['mock:beta', 'mock:alpha'],
      ultraModel: 'mock:beta',
      pattern: 'confidence',
      patternSpec: builtin('confidence'),
      params: {},
      options: {},
    });
  });

  it('keeps an explicit ultra model and pattern', async () => {
    const spec = await validator.validate(
      { prompt: 'q', models: ['mock:alpha', 'mock:beta'], ultraModel: 'mock:beta', pattern: 'critique' },
      alice,
    );
    expect(spec).toMatchObject({ ultraModel: 'mock:beta', pattern: 'critique', patternSpec: builtin('critique') });
  });

  it('accepts a prompt at the limit and every ready model', async () => {
    const models = ['mock:alpha', 'mock:beta', 'mock:gamma', 'mock:delta'];
    expect((await validator.validate({ prompt: 'x'.repeat(50), models }, alice)).models).toEqual(models);
  });

  it('fills in every parameter, the caller’s values over the defaults', async () => {
    const models = ['mock:alpha', 'mock:beta'];
    expect(await validator.validate({ prompt: 'q', models, pattern: 'moa' }, alice)).toMatchObject({
      params: { layers: 2 },
    });
    expect(
      await validator.validate({ prompt: 'q', models, pattern: 'moa', params: { layers: 3 } }, alice),
    ).toMatchObject({
      pattern: 'moa',
      patternSpec: builtin('moa'),
      params: { layers: 3 },
    });
  });

  it('passes the options and the cost limit on', async () => {
    const options = { temperature: 0.2, maxOutputTokens: 300, quorum: 2, stageTimeoutMs: 60_000 };
    const request = await validator.validateRequest(
      { prompt: 'q', models: ['mock:alpha'], options, maxCostUsd: 0.5 },
      alice,
    );
    expect(request).toMatchObject({ spec: { options }, maxCostUsd: 0.5 });
    expect(
      (await validator.validateRequest({ prompt: 'q', models: ['mock:alpha'] }, alice)).maxCostUsd,
    ).toBeUndefined();
  });

  it('keeps the top-level cache flag with the options, and accepts surrogate pairs (emoji)', async () => {
    const off = await validator.validate(
      { prompt: 'why 😀', models: ['mock:alpha'], options: { temperature: 0.5 }, cache: false },
      alice,
    );
    expect(off).toMatchObject({ prompt: 'why 😀', options: { temperature: 0.5, cache: false } });
    expect((await validator.validate({ prompt: 'q', models: ['mock:alpha'], cache: true }, alice)).options).toEqual({
      cache: true,
    });
    expect((await rejection({ prompt: 'q', models: ['mock:alpha'], cache: 'no' })).message).toContain(
      'cache must be true or false',
    );
  });

  it('resolves the caller’s own pattern, and nobody else’s', async () => {
    const body = { prompt: 'q', models: ['mock:alpha'], pattern: 'brainstorm', params: { rounds: 2 } };
    expect(await validator.validate(body, alice)).toMatchObject({
      pattern: 'brainstorm',
      patternSpec: own.brainstorm,
      params: { rounds: 2 },
    });
    const error = await rejection(body, bob);
    expect(error.code).toBe('unknown_pattern');
    expect(error.message).not.toContain('brainstorm;');
  });

  it('lists the built-ins and the caller’s own patterns for an unknown one', async () => {
    const error = await rejection({ prompt: 'q', models: ['mock:alpha'], pattern: 'nope' });
    expect(error.message).toMatch(
      /unknown pattern "nope"; known patterns: .*confidence.*moa.*brainstorm, keyed, wide$/,
    );
  });

  it.each([
    ['a missing body', undefined, 'validation_failed', 'body', 'expected object'],
    ['a body that is not an object', 'prompt', 'validation_failed', 'body', 'expected object'],
    ['a missing prompt', { models: ['mock:alpha'] }, 'validation_failed', 'prompt', 'prompt is required'],
    ['an empty prompt', { prompt: '', models: ['mock:alpha'] }, 'validation_failed', 'prompt', 'must not be empty'],
    [
      'a whitespace prompt',
      { prompt: '   \n', models: ['mock:alpha'] },
      'validation_failed',
      'prompt',
      'must not be empty',
    ],
    [
      'an oversized prompt',
      { prompt: 'x'.repeat(51), models: ['mock:alpha'] },
      'validation_failed',
      'prompt',
      'at most 50 characters (got 51)',
    ],
    [
      'a prompt with a NUL character',
      { prompt: 'why\u0000not', models: ['mock:alpha'] },
      'validation_failed',
      'prompt',
      'prompt must not contain NUL characters (U+0000)',
    ],
    [
      'a prompt with a lone high surrogate',
      { prompt: 'ab\ud800', models: ['mock:alpha'] },
      'validation_failed',
      'prompt',
      'prompt must be valid Unicode: it holds a lone UTF-16 surrogate (U+D800 at character 2)',
    ],
    [
      'a prompt with a lone low surrogate',
      { prompt: '\udc00 and 😀', models: ['mock:alpha'] },
      'validation_failed',
      'prompt',
      'lone UTF-16 surrogate (U+DC00 at character 0)',
    ],
    ['no models', { prompt: 'q', models: [] }, 'validation_failed', 'models', 'at least one model'],
    ['missing models', { prompt: 'q' }, 'validation_failed', 'models', 'array of model ids'],
    [
      'nine models',
      { prompt: 'q', models: Array.from({ length: 9 }, (_, i) => `mock:m${i}`) },
      'validation_failed',
      'models',
      'at most 8 models are allowed (got 9)',
    ],
    [
      'duplicate models',
      { prompt: 'q', models: ['mock:alpha', 'mock:beta', 'mock:alpha'] },
      'validation_failed',
      'models',
      'duplicates: "mock:alpha"',
    ],
    [
      'a malformed model id',
      { prompt: 'q', models: ['mock:alpha', 'alpha'] },
      'unknown_model',
      'models.1',
      'unknown model "alpha"',
    ],
    [
      'an unknown model',
      { prompt: 'q', models: ['mock:omega'] },
      'unknown_model',
      'models.0',
      'unknown model "mock:omega"',
    ],
    [
      'a model whose provider has no key',
      { prompt: 'q', models: ['mock:alpha', 'anthropic:claude-opus-4-5'] },
      'model_unavailable',
      'models.1',
      '"anthropic:claude-opus-4-5" is unavailable',
    ],
    [
      'an ultra model not among models',
      { prompt: 'q', models: ['mock:alpha'], ultraModel: 'mock:beta' },
      'validation_failed',
      'ultraModel',
      'ultraModel "mock:beta" is not among models',
    ],
    [
      'an unknown pattern',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'nope' },
      'unknown_pattern',
      'pattern',
      'unknown pattern "nope"',
    ],
    [
      'an unknown parameter',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'moa', params: { depth: 2 } },
      'validation_failed',
      'params.depth',
      'pattern "moa" has no parameter "depth"; it has layers',
    ],
    [
      'a parameter out of bounds',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'moa', params: { layers: 9 } },
      'validation_failed',
      'params.layers',
      'layers must be between 1 and 4 (got 9)',
    ],
    [
      'a fractional integer parameter',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'moa', params: { layers: 1.5 } },
      'validation_failed',
      'params.layers',
      'layers must be an integer',
    ],
    [
      'a parameter that is not a number',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'moa', params: { layers: 'two' } },
      'validation_failed',
      'params.layers',
      'each parameter must be a number',
    ],
    [
      'a parameter of a pattern without any',
      { prompt: 'q', models: ['mock:alpha'], params: { layers: 2 } },
      'validation_failed',
      'params.layers',
      'pattern "confidence" has no parameter "layers"',
    ],
    [
      'more calls than allowed',
      {
        prompt: 'q',
        models: ['mock:alpha', 'mock:beta', 'mock:gamma', 'mock:delta'],
        pattern: 'moa',
        params: { layers: 4 },
      },
      'validation_failed',
      'params',
      'pattern "moa" with params {"layers":4} and 4 models makes 17 model calls; the limit is 13',
    ],
    [
      'more calls than allowed at the default parameters',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'wide' },
      'validation_failed',
      'pattern',
      'pattern "wide" and 1 model makes 14 model calls; the limit is 13',
    ],
    [
      'an unknown option',
      { prompt: 'q', models: ['mock:alpha'], options: { temprature: 1 } },
      'validation_failed',
      'options',
      'temprature',
    ],
    [
      'an option out of range',
      { prompt: 'q', models: ['mock:alpha'], options: { temperature: 3 } },
      'validation_failed',
      'options.temperature',
      '2',
    ],
    [
      'a quorum of zero',
      { prompt: 'q', models: ['mock:alpha'], options: { quorum: 0 } },
      'validation_failed',
      'options.quorum',
      '1',
    ],
    [
      'a negative cost limit',
      { prompt: 'q', models: ['mock:alpha'], maxCostUsd: -1 },
      'validation_failed',
      'maxCostUsd',
      '0',
    ],
    [
      'a pattern that names a model without a key',
      { prompt: 'q', models: ['mock:alpha'], pattern: 'keyed' },
      'model_unavailable',
      'pattern.stages.0.participants.models.1',
      'pattern "keyed" asks for model "openai:gpt-4o", which is unavailable',
    ],
  ])('rejects %s', async (_case, body, code, path, message) => {
    const error = await rejection(body);
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
    expect(error.details).toEqual(expect.arrayContaining([{ path, message: expect.stringContaining(message) }]));
  });

  it('lists every problem of the shape at once', async () => {
    const error = await rejection({ prompt: '', models: [] });
    expect(error.details).toEqual([
      { path: 'prompt', message: 'prompt must not be empty' },
      { path: 'models', message: 'at least one model is required' },
    ]);
  });

  it('passes an allowed callbackUrl on beside the analysis, and refuses others naming callbackUrl', async () => {
    const body = { prompt: 'q', models: ['mock:alpha'] };
    const accepted = await validator.validateRequest({ ...body, callbackUrl: 'http://127.0.0.1:9/hook' }, alice);
    expect(accepted.callbackUrl).toBe('http://127.0.0.1:9/hook');
    expect((await validator.validateRequest(body, alice)).callbackUrl).toBeUndefined();
    const refusals = [
      ['http://10.0.0.1/', 'callbackUrl is refused: host 10.0.0.1 is a private address'],
      ['http://167772161/', 'callbackUrl is refused: host 10.0.0.1 is a private address'],
      ['http://[::1]/', 'callbackUrl is refused: host ::1 is a loopback address'],
      ['ftp://example.com/', 'callbackUrl must be an http:// or https:// URL'],
      [`https://example.com/${'a'.repeat(2_048)}`, 'callbackUrl must be at most 2048 characters (got 2068)'],
    ];
    for (const [callbackUrl, message] of refusals) {
      const error = await rejection({ ...body, callbackUrl });
      expect({ code: error.code, details: error.details }).toEqual({
        code: 'validation_failed',
        details: [{ path: 'callbackUrl', message }],
      });
    }
  });

  it('reports unknown models before unavailable ones', async () => {
    expect((await rejection({ prompt: 'q', models: ['openai:gpt-4o', 'mock:nope'] })).code).toBe('unknown_model');
  });
});
