import { createConnection, createServer, type Server } from 'node:net';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { freePort } from '../../../../test/support/ports';
import type { DatabaseOptions } from './database.module';
import { parseMigrateArgs } from './migrate-cli';
import { runMigrations, waitForMigrations } from './migrations';

/** Slow on purpose (half a second inside its transaction), so two runs at once overlap. */
class CreateWidgets1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('SELECT pg_sleep(0.5)');
    await queryRunner.query('CREATE TABLE widgets (id int PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widgets');
  }
}

class AddWidgetName1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets ADD COLUMN name text');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets DROP COLUMN name');
  }
}

const options: DatabaseOptions = {
  entities: [],
  migrations: [CreateWidgets1700000000001, AddWidgetName1700000000002],
  migrationsTableName: 'widget_migrations',
};

describe('migrations', () => {
  let db: TestDatabase;
  const config = () => ({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 });

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await db?.drop();
  });

  it('take turns when two runs start at once: one applies everything, the other finds nothing to do', async () => {
    const runs = await Promise.all([runMigrations(config(), options), runMigrations(config(), options)]);
    expect(runs.map((names) => names.length).sort()).toEqual([0, 2]);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM widget_migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(['CreateWidgets1700000000001', 'AddWidgetName1700000000002']);
      // The lock is released: nothing holds an advisory lock once both runs are over.
      const locks = await client.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'");
      expect(locks.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('waits for a database that is not up yet (a Postgres starting beside the Job), then applies', async () => {
    // A port that refuses at first and forwards to the test database from 1.5 s on.
    const target = new URL(db.url);
    const port = await freePort();
    let proxy: Server | undefined;
    const opening = setTimeout(() => {
      proxy = createServer((socket) => {
        const upstream = createConnection(Number(target.port || 5432), target.hostname);
        socket.pipe(upstream).pipe(socket);
        const close = () => (socket.destroy(), upstream.destroy());
        socket.on('error', close);
        upstream.on('error', close);
      }).listen(port, '127.0.0.1');
    }, 1_500);
    const later = new URL(db.url);
    later.hostname = '127.0.0.1';
    later.port = String(port);
    const reasons: string[] = [];
    try {
      const applied = await runMigrations({ DATABASE_URL: later.toString(), DATABASE_POOL_SIZE: 1 }, options, {
        connectWithinMs: 20_000,
        onWaiting: (reason) => reasons.push(reason),
      });
      expect(applied).toHaveLength(2);
      expect(reasons).toEqual([expect.stringMatching(/^the database is unreachable \(.*ECONNREFUSED/)]);
    } finally {
      clearTimeout(opening);
      await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    }
  });

  it('gives up on an unreachable database once its time is over, with the connection error', async () => {
    const unreachable = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', DATABASE_POOL_SIZE: 1 };
    await expect(runMigrations(unreachable, options, { connectWithinMs: 1_500 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('--wait resolves once another process has applied every migration, having said why it waits', async () => {
    const reasons: string[] = [];
    const waiting = waitForMigrations(config(), options, {
      timeoutMs: 20_000,
      intervalMs: 100,
      onWaiting: (reason) => reasons.push(reason),
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await runMigrations(config(), options);
    await expect(waiting).resolves.toBe(true);
    expect(reasons).toEqual(['migrations are pending']);
  });

  it('--wait gives up (false) after its time while a migration is still missing', async () => {
    await runMigrations(config(), { ...options, migrations: [CreateWidgets1700000000001] });
    const started = Date.now();
    await expect(waitForMigrations(config(), options, { timeoutMs: 300, intervalMs: 100 })).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('--wait names an unreachable database as the reason it waits', async () => {
    const reasons: string[] = [];
    const unreachable = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', DATABASE_POOL_SIZE: 1 };
    const ready = await waitForMigrations(unreachable, options, {
      timeoutMs: 200,
      intervalMs: 100,
      onWaiting: (reason) => reasons.push(reason),
    });
    expect(ready).toBe(false);
    expect(reasons).toEqual([expect.stringMatching(/^the database is unreachable \(.*ECONNREFUSED/)]);
  });
});

describe('parseMigrateArgs', () => {
  it('applies without arguments and waits 600 s, or the given seconds, with --wait', () => {
    expect(parseMigrateArgs([])).toEqual({});
    expect(parseMigrateArgs(['--wait'])).toEqual({ waitS: 600 });
    expect(parseMigrateArgs(['--wait=30'])).toEqual({ waitS: 30 });
  });

  it.each([['--wait=0'], ['--wait=90000'], ['--wait=x'], ['--revert'], ['--wait', '--wait']])(
    'refuses %s naming the usage',
    (...args) => {
      expect(() => parseMigrateArgs(args)).toThrow(/use no argument \(apply\) or --wait\[=seconds\]/);
    },
  );
});
