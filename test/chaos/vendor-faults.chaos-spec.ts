import type { AnalyzeAccepted } from '@ultra/contracts';
import { ALL_FAULT_KINDS } from '@ultra/fake-llm';
import { VENDOR_MODELS } from './support/chaos-vendors';
import { runScenario, sleep } from './support/scenario';

/** The categories a vendor fault may leave on an output: what each kind maps to, and a breaker failing fast. */
const VENDOR_FAULT_CATEGORIES = ['rate_limit', 'provider_unavailable', 'timeout', 'circuit_open'];

describe('chaos: the vendors fail 30 % of calls with every kind of failure', () => {
  it('ends every analysis with its true cause, opens breakers and closes them again', async () => {
    const { figures } = await runScenario({
      id: 'vendor-faults',
      title: 'Vendors fail 30 % of calls',
      fault:
        'Each vendor fake fails 30 % of calls (seeded), drawn from 429 with retry-after, 500, 503, no answer, a cut ' +
        'stream and a malformed stream; Mistral is also fully down (503) for 6 s mid-run. After the drain the ' +
        'vendors recover and one `direct` analysis per vendor model is sent each second until every breaker has ' +
        'closed (at most 30 s; these analyses are counted too).',
      workers: 2,
      system: 'stack',
      postgres: 'shared',
      faults: { rate: 0.3, kinds: ALL_FAULT_KINDS, seed: 7, retryAfterSeconds: 1, hangMs: 4_000 },
      // Traffic goes on well after the outage, so the opened breakers get their probe calls.
      spreadMs: 25_000,
      disrupt: async ({ accepted, vendors }) => {
        await accepted(20);
        vendors.faults.outage('mistral', true);
        await sleep(6_000);
        vendors.faults.outage('mistral', false);
      },
      // Healthy vendors again: the probe calls of this traffic must close every breaker that opened.
      recover: async ({ vendors, user, load, breakers }) => {
        vendors.faults.setRate(0);
        const deadline = Date.now() + 30_000;
        while (Object.values(await breakers.states()).some((s) => s !== 'closed') && Date.now() < deadline) {
          for (const model of VENDOR_MODELS) {
            const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
              prompt: `Recovery probe through ${model}`,
              models: [model],
              pattern: 'direct',
            });
            if (res.status === 202) load.accepted.push(res.body.id);
          }
          await sleep(1_000);
        }
      },
      expectations: { allComplete: false, allowedCategories: VENDOR_FAULT_CATEGORIES },
    });

    expect(figures.violations).toEqual([]);
    // Every kind of fault was injected at every vendor.
    for (const counts of Object.values(figures.faultsInjected ?? {})) {
      for (const kind of ALL_FAULT_KINDS) expect(counts[kind]).toBeGreaterThan(0);
    }
    expect(Object.keys(figures.faultsInjected ?? {}).sort()).toEqual(['anthropic', 'gemini', 'mistral', 'openai']);
    // Failures are retried, and categorised per model as the faults say.
    expect(figures.retries).toBeGreaterThan(0);
    // The outage opened Mistral's breakers, and probes closed them again once it recovered.
    expect(figures.breakers.opened.some((b) => b.includes('mistral'))).toBe(true);
    expect(figures.breakers.reclosed).toEqual(expect.arrayContaining(figures.breakers.opened));
    expect(Object.values(figures.breakers.final).filter((state) => state !== 'closed')).toEqual([]);
  });
});
