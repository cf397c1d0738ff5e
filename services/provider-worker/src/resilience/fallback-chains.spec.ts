import type { ProviderSettings } from '@ultra/platform';
import { jsonFile } from '../providers/testing/provider-test-kit';
import { fallbackChains, loadFallbackChains } from './fallback-chains';

const entry = (id: string, fallbacks?: string[]) => ({
  id,
  displayName: id,
  contextWindow: 1_000,
  pricing: { inputPerMTok: 1, outputPerMTok: 1 },
  ...(fallbacks && { fallbacks }),
});
const ollama: ProviderSettings = {
  id: 'ollama',
  kind: 'openai-compatible',
  ready: true,
  models: [{ name: 'llama3.2', fallbacks: ['openai:gpt-4.1'] }, { name: 'qwen' }],
};

describe('fallbackChains', () => {
  it('reads the catalog’s and the providers file’s fallbacks, in order', () => {
    const file = jsonFile('models.json', {
      models: [
        entry('openai:gpt-4.1', ['anthropic:claude-sonnet-4-6', 'ollama:qwen']),
        entry('anthropic:claude-sonnet-4-6'),
      ],
    });
    const chains = fallbackChains(file, [ollama]);
    expect(chains.get('openai:gpt-4.1')).toEqual(['anthropic:claude-sonnet-4-6', 'ollama:qwen']);
    expect(chains.get('ollama:llama3.2')).toEqual(['openai:gpt-4.1']);
    expect(chains.has('anthropic:claude-sonnet-4-6')).toBe(false);
  });

  it.each([
    [
      'an unknown model',
      [entry('openai:gpt-4.1', ['openai:gpt-9'])],
      'openai:gpt-4.1 falls back to openai:gpt-9, which is not a known model',
    ],
    ['the model itself', [entry('openai:gpt-4.1', ['openai:gpt-4.1'])], 'openai:gpt-4.1 names itself as its fallback'],
    ['a fallback twice', [entry('a:x', ['b:y', 'b:y']), entry('b:y')], 'a:x names a fallback twice'],
  ])('refuses at boot a chain naming %s, as a configuration error of ULTRA_MODELS_FILE', (_, models, message) => {
    const file = jsonFile('models.json', { models });
    expect(() => loadFallbackChains('provider-worker', file, [])).toThrow(message);
    expect(() => loadFallbackChains('provider-worker', file, [])).toThrow('ULTRA_MODELS_FILE');
  });

  it('accepts the repository’s catalog', () => {
    const chains = fallbackChains(`${__dirname}/../../../../config/models.json`, []);
    expect(chains.get('openai:gpt-4.1')).toEqual(['anthropic:claude-sonnet-4-6', 'google:gemini-4-argon']);
  });
});
