import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SamplingPolicyService } from './sampling-policy.service';

function catalogFile(models: object[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sampling-')), 'models.json');
  writeFileSync(file, JSON.stringify({ models }));
  return file;
}

const entry = (id: string, extra: object = {}) => ({
  id,
  displayName: id,
  contextWindow: 1000,
  pricing: { inputPerMTok: 1, outputPerMTok: 1 },
  ...extra,
});

describe('SamplingPolicyService', () => {
  const policy = new SamplingPolicyService({
    ULTRA_MODELS_FILE: catalogFile([
      entry('openai:reasoner', { sampling: false }),
      entry('openai:chat', { sampling: true }),
      entry('google:default'),
    ]),
  });

  it('sends no temperature to a model whose catalog entry says sampling: false', () => {
    expect(policy.temperatureFor('openai:reasoner', 0.7)).toBeUndefined();
    expect(policy.temperatureFor('openai:reasoner', 0)).toBeUndefined();
  });

  it('passes the requested temperature (or none) to every other model, listed or not', () => {
    expect(policy.temperatureFor('openai:chat', 0.7)).toBe(0.7);
    expect(policy.temperatureFor('google:default', 0)).toBe(0);
    expect(policy.temperatureFor('ollama:llama3.2', 1.1)).toBe(1.1);
    expect(policy.temperatureFor('openai:chat', undefined)).toBeUndefined();
  });

  it('refuses a catalog whose sampling flag is not a boolean', () => {
    const file = catalogFile([entry('openai:x', { sampling: 'no' })]);
    expect(() => new SamplingPolicyService({ ULTRA_MODELS_FILE: file })).toThrow(/sampling/);
  });
});
