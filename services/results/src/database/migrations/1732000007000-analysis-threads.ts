import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up threads. Every analysis belongs to a thread: its own id for a first analysis (so every existing row
 * starts its own), inherited by follow-ups, which also name the analysis they follow up and keep the history their
 * prompts carried (so a rerun or a resumed run renders the same prompts). The thread is not a foreign key: deleting
 * the first analysis keeps the rest of the thread readable. The index serves `GET /internal/threads/:id` in order.
 */
export class AnalysisThreads1732000007000 implements MigrationInterface {
  name = 'AnalysisThreads1732000007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE analyses
        ADD COLUMN thread_id uuid,
        ADD COLUMN parent_analysis_id uuid REFERENCES analyses (id) ON DELETE SET NULL,
        ADD COLUMN history jsonb
    `);
    await queryRunner.query(`UPDATE analyses SET thread_id = id`);
    await queryRunner.query(`ALTER TABLE analyses ALTER COLUMN thread_id SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX analyses_thread_idx ON analyses (user_id, thread_id, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analyses_thread_idx`);
    await queryRunner.query(`
      ALTER TABLE analyses DROP COLUMN history, DROP COLUMN parent_analysis_id, DROP COLUMN thread_id
    `);
  }
}
