import { randomUUID } from 'node:crypto';
import { dataSourceOptions, runMigrations } from '@ultra/platform';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { OutputProvenanceAndDeadline1732000003000 } from './migrations/1732000003000-output-provenance-and-deadline';
import { resultsDatabase } from './results-database.options';

let db: TestDatabase;
let client: Client;

const sql = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await client.query<R>(text, values)).rows;

// Pinned to this migration, so later ones (which this file does not test) neither run nor get undone here.
const all = resultsDatabase.migrations as unknown[];
const at = all.indexOf(OutputProvenanceAndDeadline1732000003000);
/** Every migration before this one. */
const before = { ...resultsDatabase, migrations: all.slice(0, at) as typeof resultsDatabase.migrations };
/** Every migration up to this one. */
const through = { ...resultsDatabase, migrations: all.slice(0, at + 1) as typeof resultsDatabase.migrations };
const config = () => ({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 });
const analysisId = randomUUID();

const newColumns = async () =>
  sql<{ table_name: string; column_name: string; data_type: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, column_default FROM information_schema.columns
      WHERE (table_name = 'stage_outputs' AND column_name IN ('answered_by', 'fallback_reason', 'cached',
                                                               'repaired_chars'))
         OR (table_name = 'analyses' AND column_name = 'deadline_at')
      ORDER BY table_name, column_name`,
  );

beforeAll(async () => {
  db = await createTestDatabase();
  await runMigrations(config(), before);
  client = new Client({ connectionString: db.url });
  await client.connect();
  // An analysis and an output as the schema before stored them.
  await sql(
    `INSERT INTO analyses (id, user_id, request_id, status, pattern, models, ultra_model, prompt)
     VALUES ($1, $2, 'r1', 'running', 'direct', '["mock:a"]', 'mock:a', 'q')`,
    [analysisId, randomUUID()],
  );
  await sql(
    `INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, status, text, latency_ms, input_tokens,
                                output_tokens)
     VALUES ($1, 'answer', 0, 'mock:a', 'completed', 'stored before', 5, 1, 1)`,
    [analysisId],
  );
  expect(await runMigrations(config(), through)).toEqual(['OutputProvenanceAndDeadline1732000003000']);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('migration OutputProvenanceAndDeadline', () => {
  it('adds the output provenance columns and the analysis deadline', async () => {
    expect(await newColumns()).toEqual([
      { table_name: 'analyses', column_name: 'deadline_at', data_type: 'bigint', column_default: null },
      { table_name: 'stage_outputs', column_name: 'answered_by', data_type: 'character varying', column_default: null },
      { table_name: 'stage_outputs', column_name: 'cached', data_type: 'boolean', column_default: 'false' },
      { table_name: 'stage_outputs', column_name: 'fallback_reason', data_type: 'text', column_default: null },
      { table_name: 'stage_outputs', column_name: 'repaired_chars', data_type: 'integer', column_default: '0' },
    ]);
  });

  it('gives rows stored before it the defaults: not cached, nothing repaired, no fallback, no deadline', async () => {
    expect(
      await sql(
        'SELECT answered_by, fallback_reason, cached, repaired_chars FROM stage_outputs WHERE analysis_id = $1',
        [analysisId],
      ),
    ).toEqual([{ answered_by: null, fallback_reason: null, cached: false, repaired_chars: 0 }]);
    expect(await sql('SELECT deadline_at FROM analyses WHERE id = $1', [analysisId])).toEqual([{ deadline_at: null }]);
  });

  it('keeps a deadline past 2^31 (epoch milliseconds)', async () => {
    await sql('UPDATE analyses SET deadline_at = $2 WHERE id = $1', [analysisId, 4_102_444_800_000]);
    expect(await sql('SELECT deadline_at::text AS d FROM analyses WHERE id = $1', [analysisId])).toEqual([
      { d: '4102444800000' },
    ]);
  });

  it('goes down and up again, keeping the rows it did not add', async () => {
    const dataSource = new DataSource(dataSourceOptions(config(), through));
    await dataSource.initialize();
    try {
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await newColumns()).toEqual([]);
      expect(await sql(`SELECT to_regclass('analyses_not_ended_idx') IS NULL AS gone`)).toEqual([{ gone: true }]);
      expect(await sql('SELECT text FROM stage_outputs WHERE analysis_id = $1', [analysisId])).toEqual([
        { text: 'stored before' },
      ]);

      expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(1);
      expect(await newColumns()).toHaveLength(5);
      expect(await sql(`SELECT to_regclass('analyses_not_ended_idx') IS NOT NULL AS present`)).toEqual([
        { present: true },
      ]);
    } finally {
      await dataSource.destroy();
    }
  });
});
