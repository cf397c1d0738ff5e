import { runScenario, sleep } from './support/scenario';

describe('chaos: kill -9 the whole local stack mid-run and start it again', () => {
  it('resumes or ends every accepted analysis after `npm start` comes back on the same data', async () => {
    let killed = 0;
    const { figures } = await runScenario({
      id: 'stack-crash',
      title: 'kill -9 the whole `npm start` stack',
      fault:
        '`npm start` (scripts/start.js, 2 workers, its own Redis with AOF and embedded Postgres in a temporary data ' +
        'directory) gets SIGKILL together with every process it started once 50 analyses are accepted; 2 s later ' +
        'it is started again the same way, while the client keeps retrying its submissions.',
      workers: 2,
      system: 'npm-start',
      spreadMs: 8_000,
      disrupt: async ({ accepted, ultra }) => {
        await accepted(50);
        killed = await ultra!.crashAll();
        await sleep(2_000);
        await ultra!.start();
      },
      expectations: { allComplete: true, allowedCategories: [] },
    });

    // The supervisor, results, orchestrator, gateway, 2 workers, Redis (and its watcher), embedded Postgres.
    expect(killed).toBeGreaterThanOrEqual(7);
    expect(figures.violations).toEqual([]);
    expect(figures.completed).toBe(figures.analyses);
    expect(figures.breakers.opened).toEqual([]);
  });
});
