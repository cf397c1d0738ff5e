import { runScenario } from './support/scenario';

describe('chaos: kill -9 a provider-worker during 100 in-flight analyses', () => {
  it('completes every analysis on the other workers, each output stored once', async () => {
    const { figures } = await runScenario({
      id: 'worker-kill',
      title: 'kill -9 a provider-worker',
      fault: 'Three provider-workers; once all 100 analyses are accepted and in flight, one gets SIGKILL.',
      workers: 3,
      system: 'stack',
      // Calls last a second, so the victim surely holds some when it dies.
      vendorLatencyMs: 1_000,
      postgres: 'shared',
      disrupt: async ({ accepted, stack }) => {
        await accepted(100);
        await stack!.crash(stack!.liveWorkers[0]);
      },
      expectations: { allComplete: true, allowedCategories: [] },
    });

    expect(figures.violations).toEqual([]);
    expect(figures.completed).toBe(100);
    // The victim held calls when it died: they were made again by the others (1,000 calls without the kill).
    expect(figures.vendorRequests).toBeGreaterThan(1_000);
    // No vendor failed: a dead worker must not open any breaker.
    expect(figures.breakers.opened).toEqual([]);
  });
});
