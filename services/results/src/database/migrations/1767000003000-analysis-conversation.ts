import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a compatible-API call (POST /v1/chat/completions, /v1/responses, /v1/messages) carried beside its question:
 * the caller's system instructions, the conversation's turns (tool calls and results included) and the tools. Kept
 * so a rerun, or a run resumed after its work was lost, sends the models the same messages. Null otherwise.
 */
export class AnalysisConversation1767000003000 implements MigrationInterface {
  name = 'AnalysisConversation1767000003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analyses ADD COLUMN conversation jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analyses DROP COLUMN conversation`);
  }
}
