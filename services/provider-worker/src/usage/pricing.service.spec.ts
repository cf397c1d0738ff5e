import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderSettings } from '@ultra/platform';
import type { WorkerConfig } from '../config/worker.config';
import { PricingService } from './pricing.service';

const file = join(mkdtempSync(join(tmpdir(), 'pricing-')), 'models.json');
writeFileSync(
  file,
  JSON.stringify({
    models: [
      {
        id: 'openai:gpt-x',
        displayName: 'X',
        contextWindow: 1000,
        pricing: { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
      },
      { id: 'mistral:m', displayName: 'M', contextWindow: 1000, pricing: { inputPerMTok: 1, outputPerMTok: 3 } },
    ],
  }),
);
const ollama: ProviderSettings = {
  id: 'ollama',
  kind: 'openai-compatible',
  ready: true,
  models: [{ name: 'llama3.2', pricing: { inputPerMTok: 0.1, outputPerMTok: 0.2 } }, { name: 'free' }],
};
const pricing = new PricingService({ ULTRA_MODELS_FILE: file } as WorkerConfig, [ollama]);

describe('PricingService', () => {
  it('prices input and output tokens per million', () => {
    expect(pricing.costOf('mistral:m', { inputTokens: 1_000_000, outputTokens: 500_000 })).toBe(2.5);
  });

  it('prices cached prompt tokens at the cached rate, the rest at the input rate', () => {
    const usd = pricing.costOf('openai:gpt-x', { inputTokens: 1_000, outputTokens: 100, cachedInputTokens: 400 });
    expect(usd).toBeCloseTo((600 * 2 + 400 * 0.5 + 100 * 8) / 1e6, 12);
  });

  it('uses the input rate for cached tokens when the catalog has no cached price', () => {
    expect(pricing.costOf('mistral:m', { inputTokens: 1_000, outputTokens: 0, cachedInputTokens: 1_000 })).toBe(0.001);
  });

  it('prices models declared with an OpenAI-compatible server, and leaves unpriced models free', () => {
    expect(pricing.costOf('ollama:llama3.2', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(0.3, 10);
    expect(pricing.costOf('ollama:free', { inputTokens: 5_000, outputTokens: 5_000 })).toBe(0);
    expect(pricing.costOf('acme:unknown', { inputTokens: 5_000, outputTokens: 5_000 })).toBe(0);
  });
});
