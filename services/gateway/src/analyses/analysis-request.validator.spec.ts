import { ApiException } from '../common/api-exception';
import { CatalogService } from '../catalog/catalog.service';
import { ProviderAvailability } from '../catalog/provider-availability';
import { gatewayConfig } from '../config/gateway.config';
import { AnalysisRequestValidator } from './analysis-request.validator';

const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db', MAX_PROMPT_CHARS: '50' });
const validator = new AnalysisRequestValidator(config, new CatalogService(config, new ProviderAvailability(config)));

function rejection(body: unknown): ApiException {
  try {
    validator.validate(body);
  } catch (error) {
    if (error instanceof ApiException) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('AnalysisRequestValidator', () => {
  it('fills in the defaults: pattern confidence, ultra model = first model; trims the prompt', () => {
    expect(validator.validate({ prompt: '  hello  ', models: ['mock:beta', 'mock:alpha'] })).toEqual({
      prompt: 'hello',
      models: ['mock:beta', 'mock:alpha'],
      ultraModel: 'mock:beta',
      pattern: 'confidence',
    });
  });

  it('keeps an explicit ultra model and pattern', () => {
    const spec = validator.validate({
      prompt: 'q',
      models: ['mock:alpha', 'mock:beta'],
      ultraModel: 'mock:beta',
      pattern: 'critique',
    });
    expect(spec).toMatchObject({ ultraModel: 'mock:beta', pattern: 'critique' });
  });

  it('accepts a prompt at the limit and every ready model', () => {
    const models = ['mock:alpha', 'mock:beta', 'mock:gamma', 'mock:delta'];
    expect(validator.validate({ prompt: 'x'.repeat(50), models }).models).toEqual(models);
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
      { prompt: 'q', models: ['mock:alpha'], pattern: 'debate' },
      'unknown_pattern',
      'pattern',
      'unknown pattern "debate"',
    ],
  ])('rejects %s', (_case, body, code, path, message) => {
    const error = rejection(body);
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
    expect(error.details).toEqual(expect.arrayContaining([{ path, message: expect.stringContaining(message) }]));
  });

  it('lists every problem of the shape at once', () => {
    const error = rejection({ prompt: '', models: [] });
    expect(error.details).toEqual([
      { path: 'prompt', message: 'prompt must not be empty' },
      { path: 'models', message: 'at least one model is required' },
    ]);
  });

  it('reports unknown models before unavailable ones', () => {
    expect(rejection({ prompt: 'q', models: ['openai:gpt-4o', 'mock:nope'] }).code).toBe('unknown_model');
  });
});
