import { randomUUID } from 'node:crypto';
import { dataSourceOptions, runMigrations } from '@ultra/platform';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { AnalysisSearch1732000005000 } from './migrations/1732000005000-analysis-search';
import { resultsDatabase } from './results-database.options';

let db: TestDatabase;
let client: Client;

const sql = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await client.query<R>(text, values)).rows;

// Pinned to this migration, so later ones (which this file does not test) neither run nor get undone here.
const all = resultsDatabase.migrations as unknown[];
const at = all.indexOf(AnalysisSearch1732000005000);
const before = { ...resultsDatabase, migrations: all.slice(0, at) as typeof resultsDatabase.migrations };
const through = { ...resultsDatabase, migrations: all.slice(0, at + 1) as typeof resultsDatabase.migrations };
const config = () => ({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 });
const stored = randomUUID();

const matches = async (query: string) =>
  (
    await sql<{ id: string }>(`SELECT id FROM analyses WHERE search @@ websearch_to_tsquery('simple', $1)`, [query])
  ).map((r) => r.id);

beforeAll(async () => {
  db = await createTestDatabase();
  await runMigrations(config(), before);
  client = new Client({ connectionString: db.url });
  await client.connect();
  // An analysis the schema before stored, with a final answer.
  await sql(
    `INSERT INTO analyses (id, user_id, request_id, status, pattern, models, ultra_model, prompt, result_text)
     VALUES ($1, $2, 'r1', 'completed', 'direct', '["mock:a"]', 'mock:a', 'Why is the sky blue?', 'Rayleigh scattering')`,
    [stored, randomUUID()],
  );
  expect(await runMigrations(config(), through)).toEqual(['AnalysisSearch1732000005000']);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('migration AnalysisSearch', () => {
  it('indexes the analyses stored before it: prompt and final answer', async () => {
    expect(await matches('sky')).toEqual([stored]);
    expect(await matches('rayleigh')).toEqual([stored]);
    expect(await sql(`SELECT to_regclass('analyses_search_idx') IS NOT NULL AS present`)).toEqual([{ present: true }]);
  });

  it('follows every later write of result_text, indexing at most 50,000 characters of it', async () => {
    // 40,000 distinct words: their whole tsvector would be over Postgres' 1 MB limit and make the write fail.
    const huge = `SELECT 'Mie ' || string_agg(md5(i::text), ' ') FROM generate_series(1, 40000) i`;
    await sql(`UPDATE analyses SET result_text = (${huge}) WHERE id = $1`, [stored]);
    expect(await matches('mie')).toEqual([stored]);
    expect(await matches('rayleigh')).toEqual([]);
    // The 40,000th word lies past the first 50,000 characters.
    const last = (await sql<{ w: string }>(`SELECT md5('40000') AS w`))[0]?.w ?? '';
    expect(await matches(last)).toEqual([]);
  });

  it('goes down and up again, keeping the rows', async () => {
    const dataSource = new DataSource(dataSourceOptions(config(), through));
    await dataSource.initialize();
    try {
      await dataSource.undoLastMigration({ transaction: 'each' });
      const columns = await sql(
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'analyses' AND column_name = 'search'`,
      );
      expect(columns).toEqual([]);
      expect(await sql('SELECT prompt FROM analyses WHERE id = $1', [stored])).toEqual([
        { prompt: 'Why is the sky blue?' },
      ]);
      expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(1);
      expect(await matches('sky')).toEqual([stored]);
    } finally {
      await dataSource.destroy();
    }
  });
});
