import { runScenario, sleep } from './support/scenario';

describe('chaos: Postgres stops for 20 s', () => {
  it('keeps every result and writes it when Postgres returns', async () => {
    const { figures } = await runScenario({
      id: 'postgres-stop',
      title: 'Postgres stops for 20 s',
      fault:
        'The embedded Postgres (PGlite, scripts/embedded-postgres.js) is stopped once 40 analyses are accepted and ' +
        'started again on the same data 20 s later; submissions go on meanwhile.',
      workers: 2,
      system: 'stack',
      postgres: 'embedded',
      spreadMs: 10_000,
      disrupt: async ({ accepted, postgres }) => {
        await accepted(40);
        await postgres!.down();
        await sleep(20_000);
        await postgres!.up();
      },
      expectations: { allComplete: true, allowedCategories: [] },
    });

    expect(figures.violations).toEqual([]);
    expect(figures.completed).toBe(figures.analyses);
    expect(figures.breakers.opened).toEqual([]);
  });
});
