import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over history (`GET /api/analyses?q=`): a stored generated tsvector over the prompt and the final
 * answer, kept up to date by Postgres itself on every write, with a GIN index. The `simple` configuration (lower
 * case, no stemming, no stop words) because prompts come in any language. Each part is cut to 50,000 characters so a
 * huge answer can never exceed the 1 MB limit of a tsvector and make ending its analysis fail.
 */
export class AnalysisSearch1732000005000 implements MigrationInterface {
  name = 'AnalysisSearch1732000005000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE analyses
        ADD COLUMN search tsvector GENERATED ALWAYS AS (
          to_tsvector('simple'::regconfig, left(prompt, 50000) || ' ' || left(coalesce(result_text, ''), 50000))
        ) STORED
    `);
    await queryRunner.query(`CREATE INDEX analyses_search_idx ON analyses USING gin (search)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analyses_search_idx`);
    await queryRunner.query(`ALTER TABLE analyses DROP COLUMN search`);
  }
}
