import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents attached to an analysis: for each, which chunks its prompts showed (index, tokens, BM25 score) and
 * that text, so the view can show the selection and a rerun or a resumed analysis renders the same prompts.
 */
export class AnalysisDocuments1732000006000 implements MigrationInterface {
  name = 'AnalysisDocuments1732000006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analyses ADD COLUMN documents jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analyses DROP COLUMN documents`);
  }
}
