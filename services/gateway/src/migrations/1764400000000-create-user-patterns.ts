import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' own patterns: the checked document as JSON, under the pattern's id (`slug`), unique per user. A user's
 * patterns go with the account.
 */
export class CreateUserPatterns1764400000000 implements MigrationInterface {
  name = 'CreateUserPatterns1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "user_patterns" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "slug" varchar(48) NOT NULL,
        "spec" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "user_patterns_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "user_patterns_user_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "user_patterns_user_slug_key" UNIQUE ("user_id", "slug")
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "user_patterns"`);
  }
}
