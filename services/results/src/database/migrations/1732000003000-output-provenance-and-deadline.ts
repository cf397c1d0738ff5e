import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resilience. Each output records which model actually answered when a fallback stood in (and why), whether it came
 * from the response cache, and how many characters had to be replaced to make its text storable. Each analysis
 * records the orchestrator's deadline, the watchdog's reference for one that stopped making progress; the partial
 * index keeps the watchdog's sweep over the analyses that have not ended cheap however many have.
 */
export class OutputProvenanceAndDeadline1732000003000 implements MigrationInterface {
  name = 'OutputProvenanceAndDeadline1732000003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE stage_outputs
        ADD COLUMN answered_by varchar(200),
        ADD COLUMN fallback_reason text,
        ADD COLUMN cached boolean NOT NULL DEFAULT false,
        ADD COLUMN repaired_chars integer NOT NULL DEFAULT 0
    `);
    await queryRunner.query(`ALTER TABLE analyses ADD COLUMN deadline_at bigint`);
    await queryRunner.query(
      `CREATE INDEX analyses_not_ended_idx ON analyses (updated_at) WHERE status IN ('queued', 'running')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analyses_not_ended_idx`);
    await queryRunner.query(`ALTER TABLE analyses DROP COLUMN deadline_at`);
    await queryRunner.query(`
      ALTER TABLE stage_outputs
        DROP COLUMN repaired_chars, DROP COLUMN cached, DROP COLUMN fallback_reason, DROP COLUMN answered_by
    `);
  }
}
