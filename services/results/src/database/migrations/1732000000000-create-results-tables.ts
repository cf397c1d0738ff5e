import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The results service's tables. Written by hand (not generated) so the constraints that carry behaviour are
 * explicit: the natural key of stage_outputs that makes collecting idempotent, the cascade from analyses, and
 * the (user_id, created_at, id) index that serves the keyset-paginated listing.
 */
export class CreateResultsTables1732000000000 implements MigrationInterface {
  name = 'CreateResultsTables1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analyses (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        request_id varchar(200) NOT NULL,
        status varchar(16) NOT NULL
          CONSTRAINT analyses_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        pattern varchar(32) NOT NULL,
        models jsonb NOT NULL,
        ultra_model varchar(200) NOT NULL,
        prompt text NOT NULL,
        result_stage varchar(16),
        result_model varchar(200),
        error jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )
    `);
    await queryRunner.query(`CREATE INDEX analyses_user_created_idx ON analyses (user_id, created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE stage_outputs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        analysis_id uuid NOT NULL
          CONSTRAINT stage_outputs_analysis_fk REFERENCES analyses (id) ON DELETE CASCADE,
        stage varchar(16) NOT NULL,
        stage_index integer NOT NULL,
        model varchar(200) NOT NULL,
        status varchar(16) NOT NULL
          CONSTRAINT stage_outputs_status_check CHECK (status IN ('completed', 'failed')),
        text text,
        error jsonb,
        latency_ms integer NOT NULL,
        input_tokens integer NOT NULL,
        output_tokens integer NOT NULL,
        finish_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stage_outputs_analysis_stage_model_key UNIQUE (analysis_id, stage, model)
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stage_outputs`);
    await queryRunner.query(`DROP TABLE analyses`);
  }
}
