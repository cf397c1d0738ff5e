import { z } from 'zod';
import { DEFAULT_TIERS, tiersEnv } from './tiers.config';

const tiers = z.object(tiersEnv);

describe('TIERS', () => {
  it('defaults to the documented tiers', () => {
    expect(tiers.parse({}).TIERS).toEqual(DEFAULT_TIERS);
    expect(DEFAULT_TIERS.free).toEqual({ requestsPerMinute: 60, analysesPerMinute: 10, dailyBudgetUsd: 1 });
  });

  it("overrides some of a tier's numbers and keeps the rest", () => {
    const { TIERS } = tiers.parse({ TIERS: '{"free":{"requestsPerMinute":5},"enterprise":{"dailyBudgetUsd":1000}}' });
    expect(TIERS.free).toEqual({ ...DEFAULT_TIERS.free, requestsPerMinute: 5 });
    expect(TIERS.enterprise.dailyBudgetUsd).toBe(1000);
    expect(TIERS.basic).toEqual(DEFAULT_TIERS.basic);
  });

  it.each([
    ['not JSON', '{free', 'must be JSON'],
    ['an unknown tier', '{"gold":{"requestsPerMinute":5}}', 'gold'],
    ['an unknown field', '{"free":{"rpm":5}}', 'rpm'],
    ['a zero limit', '{"free":{"analysesPerMinute":0}}', 'analysesPerMinute'],
    ['a zero budget', '{"basic":{"dailyBudgetUsd":0}}', 'dailyBudgetUsd'],
  ])('refuses %s at boot', (_case, value, message) => {
    const result = tiers.safeParse({ TIERS: value });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});
