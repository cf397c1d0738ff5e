import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cost and the finer token counts of each output. Cost is numeric, not float, so that sums over many outputs
 * stay exact; rows stored before this migration cost 0.
 */
export class AddOutputUsageDetails1732000001000 implements MigrationInterface {
  name = 'AddOutputUsageDetails1732000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stage_outputs
        ADD COLUMN cached_input_tokens integer,
        ADD COLUMN reasoning_tokens integer,
        ADD COLUMN cost_usd numeric(18, 8) NOT NULL DEFAULT 0
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stage_outputs DROP COLUMN cost_usd, DROP COLUMN reasoning_tokens, DROP COLUMN cached_input_tokens
    `);
  }
}
