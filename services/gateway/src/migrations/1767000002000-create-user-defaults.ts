import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each user's default panel (GET/PUT /api/users/me/defaults): the models, the ultra model among them and the
 * pattern, checked against the catalog and the patterns when set. One row per user; it goes with the account.
 */
export class CreateUserDefaults1767000002000 implements MigrationInterface {
  name = 'CreateUserDefaults1767000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "user_defaults" (
        "user_id" uuid NOT NULL,
        "models" jsonb NOT NULL,
        "ultra_model" varchar(200) NOT NULL,
        "pattern" varchar(100),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "user_defaults_pkey" PRIMARY KEY ("user_id"),
        CONSTRAINT "user_defaults_user_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "user_defaults"`);
  }
}
