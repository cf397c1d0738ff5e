import { eventually } from '../support/eventually';
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
        // Killed right after it finished a call, so it is surely consuming and holds others (64 at once, hundreds
        // queued): a worker picked blindly once held none and the scenario made exactly the 1,000 calls.
        const victim = stack!.liveWorkers[0];
        const completed = (l: { msg?: unknown }) => l.msg === 'model call completed';
        const before = victim.count(completed);
        await eventually('the victim to complete a call', () => victim.count(completed) > before, {
          timeoutMs: 30_000,
          intervalMs: 5,
        });
        await stack!.crash(victim);
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
