import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks. An analysis may name a callback URL; how its one delivery went is kept beside it (attempts, the last
 * answer, when it was delivered), so the view reads it without a join. Each user signs with one secret, made on
 * first use and replaced on rotation.
 */
export class Webhooks1732000004000 implements MigrationInterface {
  name = 'Webhooks1732000004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE analyses
        ADD COLUMN callback_url varchar(2048),
        ADD COLUMN webhook_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN webhook_last_status integer,
        ADD COLUMN webhook_last_error text,
        ADD COLUMN webhook_delivered_at timestamptz
    `);
    await queryRunner.query(`
      CREATE TABLE webhook_secrets (
        user_id uuid PRIMARY KEY,
        secret varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_secrets`);
    await queryRunner.query(`
      ALTER TABLE analyses
        DROP COLUMN webhook_delivered_at, DROP COLUMN webhook_last_error, DROP COLUMN webhook_last_status,
        DROP COLUMN webhook_attempts, DROP COLUMN callback_url
    `);
  }
}
