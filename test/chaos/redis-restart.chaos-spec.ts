import { runScenario, sleep } from './support/scenario';

describe('chaos: Redis (AOF) restarts mid-run', () => {
  it('completes every accepted analysis once Redis is back, each output stored once', async () => {
    const { figures } = await runScenario({
      id: 'redis-restart',
      title: 'Redis restarts (AOF)',
      fault:
        'Redis (AOF, fsync always) gets SIGKILL once 40 analyses are accepted, stays down 5 s, and starts again ' +
        'from its append-only file while submissions go on.',
      workers: 2,
      system: 'stack',
      postgres: 'shared',
      spreadMs: 10_000,
      disrupt: async ({ accepted, redis }) => {
        await accepted(40);
        await redis!.down('SIGKILL');
        await sleep(5_000);
        await redis!.up();
      },
      expectations: { allComplete: true, allowedCategories: [] },
    });

    expect(figures.violations).toEqual([]);
    expect(figures.completed).toBe(figures.analyses);
    expect(figures.breakers.opened).toEqual([]);
  });
});
