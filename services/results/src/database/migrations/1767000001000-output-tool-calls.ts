import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tool calls (direct analyses with tools, the OpenAI/Anthropic-compatible API): each output keeps the calls its
 * model asked for, and each analysis keeps its answer's calls and why that answer stopped, so the final result
 * can say "call these tools" rather than only give a text. Null where there were none.
 */
export class OutputToolCalls1767000001000 implements MigrationInterface {
  name = 'OutputToolCalls1767000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stage_outputs ADD COLUMN tool_calls jsonb`);
    await queryRunner.query(`
      ALTER TABLE analyses
        ADD COLUMN result_tool_calls jsonb,
        ADD COLUMN result_finish_reason text
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analyses DROP COLUMN result_finish_reason, DROP COLUMN result_tool_calls`);
    await queryRunner.query(`ALTER TABLE stage_outputs DROP COLUMN tool_calls`);
  }
}
