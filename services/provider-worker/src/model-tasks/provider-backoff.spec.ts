import { ErrorCategory } from '@ultra/contracts';
import type { MinimalJob } from 'bullmq';
import { ProviderError } from '../providers/llm-provider';
import { providerBackoff } from './provider-backoff';

const job = { opts: { backoff: { type: 'provider', delay: 100 } } } as unknown as MinimalJob;

describe('providerBackoff', () => {
  it('doubles from the task’s base delay', () => {
    expect([1, 2, 3].map((n) => providerBackoff(n, 'provider', new Error('x'), job))).toEqual([100, 200, 400]);
  });

  it('waits at least as long as the provider asked with retry-after', () => {
    const limited = new ProviderError(ErrorCategory.RateLimit, 'openai:gpt-4o: HTTP 429', 7_000);
    expect(providerBackoff(1, 'provider', limited, job)).toBe(7_000);
    const brief = new ProviderError(ErrorCategory.RateLimit, 'openai:gpt-4o: HTTP 429', 10);
    expect(providerBackoff(2, 'provider', brief, job)).toBe(200);
  });
});
