import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Patterns as data. An analysis keeps the pattern document it ran (so a later edit never changes how it reads),
 * its parameters and options, the analysis it reran, and its result in full. Outputs are keyed by stage run index,
 * model and sample, so a stage run twice (rounds, layers, fallbacks) or a model sampled n times keeps every row;
 * each run is a stage_runs row (a generate round, an aggregate with its JSON, or a skipped stage).
 *
 * Rows of the old schema migrate: one generate run (round 1) per stored (analysis, stage index, stage), labelled
 * with the stage's name capitalised, and the result text copied from the output the analysis named.
 */
export class PatternsAsData1732000002000 implements MigrationInterface {
  name = 'PatternsAsData1732000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE analyses
        ALTER COLUMN pattern TYPE varchar(64),
        ALTER COLUMN result_stage TYPE varchar(64),
        ADD COLUMN pattern_spec jsonb,
        ADD COLUMN params jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN options jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN source_analysis_id uuid
          CONSTRAINT analyses_source_analysis_fk REFERENCES analyses (id) ON DELETE SET NULL,
        ADD COLUMN result_stage_index integer,
        ADD COLUMN result_sample integer,
        ADD COLUMN result_text text,
        ADD COLUMN result_data jsonb
    `);
    await queryRunner.query(`
      ALTER TABLE stage_outputs
        ALTER COLUMN stage TYPE varchar(64),
        ADD COLUMN sample integer NOT NULL DEFAULT 0,
        ADD COLUMN data jsonb,
        ADD COLUMN data_error text,
        ADD COLUMN reused boolean NOT NULL DEFAULT false,
        DROP CONSTRAINT stage_outputs_analysis_stage_model_key,
        ADD CONSTRAINT stage_outputs_run_model_sample_key UNIQUE (analysis_id, stage_index, model, sample)
    `);
    await queryRunner.query(`
      CREATE TABLE stage_runs (
        analysis_id uuid NOT NULL
          CONSTRAINT stage_runs_analysis_fk REFERENCES analyses (id) ON DELETE CASCADE,
        stage_index integer NOT NULL,
        stage varchar(64) NOT NULL,
        label varchar(100) NOT NULL,
        kind varchar(16) NOT NULL
          CONSTRAINT stage_runs_kind_check CHECK (kind IN ('generate', 'aggregate', 'skipped')),
        round integer NOT NULL DEFAULT 1,
        aggregate jsonb,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stage_runs_pkey PRIMARY KEY (analysis_id, stage_index)
      )
    `);
    // The old orchestrator gave every run its own index, so (analysis, index) names one stage; DISTINCT ON only
    // guards the primary key should a row say otherwise.
    await queryRunner.query(`
      INSERT INTO stage_runs (analysis_id, stage_index, stage, label, kind, round, created_at)
      SELECT DISTINCT ON (analysis_id, stage_index)
             analysis_id, stage_index, stage, upper(left(stage, 1)) || substr(stage, 2), 'generate', 1, created_at
        FROM stage_outputs
       ORDER BY analysis_id, stage_index, created_at
    `);
    await queryRunner.query(`
      UPDATE analyses a
         SET result_stage_index = o.stage_index, result_sample = o.sample, result_text = o.text
        FROM stage_outputs o
       WHERE a.status = 'completed'
         AND o.analysis_id = a.id AND o.stage = a.result_stage AND o.model = a.result_model
    `);
  }

  /** Fails (and changes nothing) when the data no longer fits the old schema: a stage run twice, a long id. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stage_runs`);
    await queryRunner.query(`
      ALTER TABLE stage_outputs
        DROP CONSTRAINT stage_outputs_run_model_sample_key,
        ADD CONSTRAINT stage_outputs_analysis_stage_model_key UNIQUE (analysis_id, stage, model),
        DROP COLUMN reused,
        DROP COLUMN data_error,
        DROP COLUMN data,
        DROP COLUMN sample,
        ALTER COLUMN stage TYPE varchar(16)
    `);
    await queryRunner.query(`
      ALTER TABLE analyses
        DROP COLUMN result_data,
        DROP COLUMN result_text,
        DROP COLUMN result_sample,
        DROP COLUMN result_stage_index,
        DROP COLUMN source_analysis_id,
        DROP COLUMN options,
        DROP COLUMN params,
        DROP COLUMN pattern_spec,
        ALTER COLUMN result_stage TYPE varchar(16),
        ALTER COLUMN pattern TYPE varchar(32)
    `);
  }
}
