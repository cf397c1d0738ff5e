import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { dist } from '../support/stack';

const execFileAsync = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A service's built `migrate.js`, as a Kubernetes Job or init container runs it. */
async function migrate(service: string, db: TestDatabase, ...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [dist(service, 'migrate.js'), ...args], {
      env: { ...process.env, DATABASE_URL: db.url },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('migrate.js --wait: a release waits for its migrations instead of running on the old schema', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('exits 1 after the given seconds while the migrations have not run, saying why', async () => {
    const run = await migrate('gateway', db, '--wait=1');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('gateway: waiting up to 1 s: migrations are pending (gateway_migrations)');
    expect(run.stderr).toContain('the database still lacks migrations of this release after 1 s');
  });

  it('exits 0 at once when the migrations are in, and applies nothing itself', async () => {
    for (const service of ['results', 'gateway']) expect((await migrate(service, db)).code).toBe(0);
    const results = await migrate('results', db, '--wait=5');
    expect(results).toMatchObject({ code: 0 });
    expect(results.stdout).toContain('results: the database has every migration of this release');
    expect(results.stdout).not.toContain('waiting');
    expect((await migrate('gateway', db)).stdout).toContain('gateway: no pending migrations');
  });

  it('refuses an unknown argument with the usage, exit 1', async () => {
    const run = await migrate('results', db, '--revert');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('use no argument (apply) or --wait[=seconds]');
  });
});
