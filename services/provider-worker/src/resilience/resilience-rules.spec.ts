import { ErrorCategory, REPLACEMENT_CHARACTER } from '@ultra/contracts';
import type { ProviderSettings } from '@ultra/platform';
import { repairOutput } from '../model-tasks/output-repair';
import { breakerOutcome } from './breaker-policy';
import { loadProviderLimits } from './provider-limits.config';

describe('breakerOutcome: which failures count against a breaker', () => {
  it.each([
    [ErrorCategory.ProviderUnavailable, false, 'failure'],
    [ErrorCategory.Timeout, false, 'failure'],
    [ErrorCategory.Timeout, true, 'neutral'],
    [ErrorCategory.RateLimit, false, 'neutral'],
    [ErrorCategory.Auth, false, 'neutral'],
    [ErrorCategory.InvalidRequest, false, 'neutral'],
    [ErrorCategory.ContentFilter, false, 'neutral'],
    [ErrorCategory.Cancelled, false, 'neutral'],
    [ErrorCategory.Internal, false, 'neutral'],
  ])('%s (the stage’s time up: %s) → %s', (category, stageTimeout, outcome) => {
    expect(breakerOutcome(category, stageTimeout)).toBe(outcome);
  });
});

describe('loadProviderLimits', () => {
  const compatible: ProviderSettings = {
    id: 'groq',
    kind: 'openai-compatible',
    ready: true,
    limits: { requestsPerMinute: 30, concurrency: 4 },
  };
  it('takes the providers file’s limits, overridden field by field by PROVIDER_LIMITS', () => {
    const limits = loadProviderLimits(
      'w',
      { PROVIDER_LIMITS: { groq: { concurrency: 2 }, openai: { tokensPerMinute: 9 } } },
      [compatible, { id: 'openai', kind: 'openai', ready: true }],
    );
    expect(Object.fromEntries(limits)).toEqual({
      groq: { requestsPerMinute: 30, concurrency: 2 },
      openai: { tokensPerMinute: 9 },
    });
  });
  it('refuses a provider that does not exist', () => {
    expect(() => loadProviderLimits('w', { PROVIDER_LIMITS: { opneai: { concurrency: 1 } } }, [compatible])).toThrow(
      /PROVIDER_LIMITS: unknown provider\(s\) opneai/,
    );
  });
});

describe('repairOutput', () => {
  const base = {
    model: 'openai:gpt-4o',
    sample: 0,
    status: 'completed' as const,
    error: null,
    latencyMs: 1,
    usage: { inputTokens: 1, outputTokens: 1 },
    finishReason: 'stop',
  };
  it('counts what it replaces in the text, the data and the data error', () => {
    const repaired = repairOutput({ ...base, text: 'a\ud800', data: { k: '\udc00' }, dataError: '\u0000' });
    expect(repaired).toMatchObject({
      text: `a${REPLACEMENT_CHARACTER}`,
      data: { k: REPLACEMENT_CHARACTER },
      dataError: REPLACEMENT_CHARACTER,
      repairedChars: 3,
    });
  });
  it('leaves valid output as it is, without repairedChars', () => {
    const output = { ...base, text: 'fine 😀' };
    expect(repairOutput(output)).toEqual(output);
  });
});
