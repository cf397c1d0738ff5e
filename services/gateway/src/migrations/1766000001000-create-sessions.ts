import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in sessions: one row per sign-in, which is also the refresh token's rotation family. Only a hash of the
 * current refresh token's id is kept, so a database leak yields no usable token. Emails are lower-cased again
 * for rows written before the check constraint held everywhere.
 */
export class CreateSessions1766000001000 implements MigrationInterface {
  name = 'CreateSessions1766000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "users" SET "email" = lower("email") WHERE "email" <> lower("email")`);
    await queryRunner.query(`
      CREATE TABLE "sessions" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "refresh_hash" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz NOT NULL DEFAULT now(),
        "revoked_at" timestamptz,
        "user_agent" varchar(512),
        "ip" varchar(64),
        CONSTRAINT "sessions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "sessions_user_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )
    `);
    await queryRunner.query(`CREATE INDEX "sessions_user_idx" ON "sessions" ("user_id") WHERE "revoked_at" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sessions"`);
  }
}
