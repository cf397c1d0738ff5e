import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '@ultra/platform';
import { gatewayConfig } from '../config/gateway.config';
import { CatalogService } from './catalog.service';
import { ProviderAvailability } from './provider-availability';

const dir = mkdtempSync(join(tmpdir(), 'gateway-catalog-'));

function catalogFrom(contents: unknown): CatalogService {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db', ULTRA_MODELS_FILE: file });
  return new CatalogService(config, new ProviderAvailability(config));
}

const entry = (id: string) => ({
  id,
  displayName: id,
  contextWindow: 1000,
  pricing: { inputPerMTok: 0, outputPerMTok: 0 },
});

describe('ProviderAvailability', () => {
  it.each([
    ['mock', 'ready'],
    ['openai', 'needs_key'],
    ['anthropic', 'needs_key'],
    ['google', 'needs_key'],
    ['mistral', 'needs_key'],
    ['my-local-llm', 'needs_key'],
  ])('%s → %s without keys', (provider, status) => {
    const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db' });
    expect(new ProviderAvailability(config).statusOf(provider)).toBe(status);
  });

  it('makes a vendor ready once its key is configured', () => {
    const config = gatewayConfig.parse({
      DATABASE_URL: 'postgres://u@localhost/db',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      MISTRAL_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    const availability = new ProviderAvailability(config);
    expect(availability.statusOf('anthropic')).toBe('ready');
    expect(availability.statusOf('mistral')).toBe('needs_key');
  });

  it('lists OpenAI-compatible servers: ready without a key variable, or once the variable is set', () => {
    const file = join(dir, 'providers.json');
    writeFileSync(
      file,
      JSON.stringify({
        providers: [
          { id: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', models: [{ name: 'llama3.2' }] },
          { id: 'groq', baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: 'ULTRA_TEST_GROQ_KEY', models: [{ name: 'x' }] },
        ],
      }),
    );
    const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db', ULTRA_PROVIDERS_FILE: file });
    const models = new CatalogService(config, new ProviderAvailability(config)).list();
    expect(models).toContainEqual({
      id: 'ollama:llama3.2',
      provider: 'ollama',
      name: 'llama3.2',
      displayName: 'ollama llama3.2',
      status: 'ready',
      fallbacks: [],
    });
    expect(models.find((m) => m.id === 'groq:x')?.status).toBe('needs_key');
  });
});

describe('CatalogService', () => {
  it('reads the repository catalog by default, from any working directory', () => {
    const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db' });
    const models = new CatalogService(config, new ProviderAvailability(config)).list();
    expect(models.length).toBeGreaterThan(4);
    expect(models).toContainEqual({
      id: 'mock:alpha',
      provider: 'mock',
      name: 'alpha',
      displayName: 'Mock Alpha (concise analyst)',
      status: 'ready',
      fallbacks: expect.any(Array),
      pricing: { inputPerMTok: expect.any(Number), outputPerMTok: expect.any(Number) },
    });
  });

  it('splits ids and derives each status from the provider', () => {
    const catalog = catalogFrom({ models: [entry('mock:a'), entry('openai:gpt-x')] });
    expect(catalog.list()).toEqual([
      {
        id: 'mock:a',
        provider: 'mock',
        name: 'a',
        displayName: 'mock:a',
        status: 'ready',
        fallbacks: [],
        pricing: { inputPerMTok: 0, outputPerMTok: 0 },
      },
      {
        id: 'openai:gpt-x',
        provider: 'openai',
        name: 'gpt-x',
        displayName: 'openai:gpt-x',
        status: 'needs_key',
        fallbacks: [],
        pricing: { inputPerMTok: 0, outputPerMTok: 0 },
      },
    ]);
    expect(catalog.find('openai:gpt-x')?.status).toBe('needs_key');
    expect(catalog.find('openai:nope')).toBeUndefined();
  });

  it('carries each model’s fallbacks, in order', () => {
    const catalog = catalogFrom({
      models: [{ ...entry('openai:gpt-x'), fallbacks: ['mock:b', 'mock:a'] }, entry('mock:a'), entry('mock:b')],
    });
    expect(catalog.find('openai:gpt-x')?.fallbacks).toEqual(['mock:b', 'mock:a']);
  });

  it.each([
    ['a missing file', undefined, 'cannot read the model catalog'],
    ['a file that is not JSON', '{ models: ', 'cannot read the model catalog'],
    ['an empty catalog', { models: [] }, 'models'],
    ['a malformed model id', { models: [entry('gpt-4o')] }, 'models.0.id'],
    ['a duplicate model id', { models: [entry('mock:a'), entry('mock:a')] }, 'duplicate model ids: mock:a'],
  ])('refuses %s with a readable ConfigValidationError', (_case, contents, message) => {
    let caught: unknown;
    try {
      if (contents === undefined) {
        const config = gatewayConfig.parse({
          DATABASE_URL: 'postgres://u@localhost/db',
          ULTRA_MODELS_FILE: join(dir, 'absent.json'),
        });
        new CatalogService(config, new ProviderAvailability(config));
      } else {
        catalogFrom(contents);
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as Error).message).toContain('ULTRA_MODELS_FILE');
    expect((caught as Error).message).toContain(message);
  });
});
