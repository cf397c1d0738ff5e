import { randomUUID } from 'node:crypto';
import { dataSourceOptions, runMigrations } from '@ultra/platform';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { resultsDatabase } from './results-database.options';
import { CreateResultsTables1732000000000 } from './migrations/1732000000000-create-results-tables';
import { AddOutputUsageDetails1732000001000 } from './migrations/1732000001000-add-output-usage-details';
import { PatternsAsData1732000002000 } from './migrations/1732000002000-patterns-as-data';

let db: TestDatabase;
let client: Client;

const sql = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await client.query<R>(text, values)).rows;

/** The results service as it was before patterns were data. */
const beforePatterns = {
  ...resultsDatabase,
  migrations: [CreateResultsTables1732000000000, AddOutputUsageDetails1732000001000],
};

/** Up to patterns as data; later migrations have their own tests. */
const throughPatterns = {
  ...resultsDatabase,
  migrations: [...beforePatterns.migrations, PatternsAsData1732000002000],
};

const completed = randomUUID();
const failed = randomUUID();
const queued = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  const config = { DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 };
  await runMigrations(config, beforePatterns);
  client = new Client({ connectionString: db.url });
  await client.connect();

  // Rows as the old schema wrote them: a completed four-stage analysis whose ultra stage fell back to a second
  // model (a further run index), a failed one, and a queued one without outputs.
  const user = randomUUID();
  await sql(
    `INSERT INTO analyses (id, user_id, request_id, status, pattern, models, ultra_model, prompt, result_stage,
                           result_model, error)
     VALUES ($1, $4, 'r1', 'completed', 'confidence', '["mock:a","mock:b"]', 'mock:a', 'q', 'ultra', 'mock:b', NULL),
            ($2, $4, 'r2', 'failed', 'critique', '["mock:a","mock:b"]', 'mock:a', 'q', NULL, NULL,
             '{"code":"all_models_failed","message":"no model answered"}'),
            ($3, $4, 'r3', 'queued', 'critique', '["mock:a"]', 'mock:a', 'q', NULL, NULL, NULL)`,
    [completed, failed, queued, user],
  );
  const outputs: [string, string, number, string, string, string | null][] = [
    [completed, 'initial', 0, 'mock:a', 'completed', 'a initial'],
    [completed, 'initial', 0, 'mock:b', 'completed', 'b initial'],
    [completed, 'meta', 1, 'mock:a', 'completed', 'a meta'],
    [completed, 'hyper', 2, 'mock:a', 'completed', 'a hyper'],
    [completed, 'ultra', 3, 'mock:a', 'failed', null],
    [completed, 'ultra', 4, 'mock:b', 'completed', 'the synthesis'],
    [failed, 'initial', 0, 'mock:a', 'failed', null],
    [failed, 'initial', 0, 'mock:b', 'failed', null],
  ];
  for (const [analysisId, stage, index, model, status, text] of outputs) {
    await sql(
      `INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, status, text, latency_ms, input_tokens,
                                  output_tokens, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, 5, 1, 1, 0.001)`,
      [analysisId, stage, index, model, status, text],
    );
  }

  expect(await runMigrations(config, throughPatterns)).toEqual(['PatternsAsData1732000002000']);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('migration PatternsAsData', () => {
  it('gives every stored run index a generate run, labelled with its stage name', async () => {
    const runs = await sql(
      `SELECT analysis_id, stage_index, stage, label, kind, round, aggregate, note
         FROM stage_runs ORDER BY analysis_id = $1 DESC, stage_index`,
      [completed],
    );
    const run = (analysisId: string, index: number, stage: string) => ({
      analysis_id: analysisId,
      stage_index: index,
      stage,
      label: stage.charAt(0).toUpperCase() + stage.slice(1),
      kind: 'generate',
      round: 1,
      aggregate: null,
      note: null,
    });
    expect(runs).toEqual([
      run(completed, 0, 'initial'),
      run(completed, 1, 'meta'),
      run(completed, 2, 'hyper'),
      run(completed, 3, 'ultra'),
      run(completed, 4, 'ultra'),
      run(failed, 0, 'initial'),
    ]);
  });

  it('keeps every output, as sample 0 with no data, not reused', async () => {
    const outputs = await sql<{ n: number; samples: number[]; data: number; reused: number }>(
      `SELECT count(*)::int AS n, array_agg(DISTINCT sample) AS samples, count(data)::int AS data,
              count(*) FILTER (WHERE reused)::int AS reused
         FROM stage_outputs`,
    );
    expect(outputs).toEqual([{ n: 8, samples: [0], data: 0, reused: 0 }]);
  });

  it('copies a completed analysis’ result from the output it named, and leaves the rest without one', async () => {
    const rows = await sql(
      `SELECT id, result_stage, result_stage_index, result_model, result_sample, result_text, result_data,
              pattern_spec, params, options, source_analysis_id
         FROM analyses ORDER BY id = $1 DESC, id = $2 DESC`,
      [completed, failed],
    );
    const untouched = { pattern_spec: null, params: {}, options: {}, source_analysis_id: null, result_data: null };
    expect(rows).toEqual([
      {
        id: completed,
        result_stage: 'ultra',
        result_stage_index: 4,
        result_model: 'mock:b',
        result_sample: 0,
        result_text: 'the synthesis',
        ...untouched,
      },
      ...[failed, queued].map((id) => ({
        id,
        result_stage: null,
        result_stage_index: null,
        result_model: null,
        result_sample: null,
        result_text: null,
        ...untouched,
      })),
    ]);
  });

  it('keeps the outputs of a stage run twice and of several samples; a re-insert is still refused', async () => {
    const insert = (index: number, sample: number) =>
      sql(
        `INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, sample, status, latency_ms, input_tokens,
                                    output_tokens)
         VALUES ($1, 'a-rather-long-stage-id-of-forty-characters', $2, 'mock:a', $3, 'completed', 1, 1, 1)`,
        [queued, index, sample],
      );
    await insert(0, 0);
    await insert(1, 0);
    await insert(1, 1);
    await expect(insert(1, 1)).rejects.toThrow(/stage_outputs_run_model_sample_key/);
    await sql('DELETE FROM stage_outputs WHERE analysis_id = $1', [queued]);
  });

  it('unlinks a rerun from its source when the source is deleted', async () => {
    const rerun = randomUUID();
    await sql(
      `INSERT INTO analyses (id, user_id, request_id, status, pattern, models, ultra_model, prompt, source_analysis_id)
       SELECT $1, user_id, 'r4', 'queued', pattern, models, ultra_model, prompt, id FROM analyses WHERE id = $2`,
      [rerun, queued],
    );
    await sql('DELETE FROM analyses WHERE id = $1', [queued]);
    expect(await sql('SELECT source_analysis_id FROM analyses WHERE id = $1', [rerun])).toEqual([
      { source_analysis_id: null },
    ]);
  });

  it('goes down to the old schema while the data fits it, and refuses when it does not', async () => {
    const dataSource = new DataSource(
      dataSourceOptions({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: 1 }, throughPatterns),
    );
    await dataSource.initialize();
    try {
      // Two samples of one model in one stage cannot be told apart by the old natural key.
      await sql(
        `INSERT INTO stage_outputs (analysis_id, stage, stage_index, model, sample, status, latency_ms, input_tokens,
                                    output_tokens)
         VALUES ($1, 'initial', 0, 'mock:a', 1, 'completed', 1, 1, 1)`,
        [failed],
      );
      await expect(dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow();
      expect(await sql(`SELECT to_regclass('stage_runs') IS NOT NULL AS present`)).toEqual([{ present: true }]);

      await sql('DELETE FROM stage_outputs WHERE sample > 0');
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await sql(`SELECT to_regclass('stage_runs') IS NOT NULL AS present`)).toEqual([{ present: false }]);
      const [columns] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.columns
          WHERE table_name IN ('analyses', 'stage_outputs')
            AND column_name IN ('sample', 'data', 'data_error', 'reused', 'pattern_spec', 'result_text')`,
      );
      expect(columns).toEqual({ n: 0 });
      expect(await sql('SELECT count(*)::int AS n FROM stage_outputs')).toEqual([{ n: 8 }]);

      // And up again: the round trip ends where the first migration did.
      expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(1);
      expect(await sql('SELECT count(*)::int AS n FROM stage_runs')).toEqual([{ n: 6 }]);
    } finally {
      await dataSource.destroy();
    }
  });
});
