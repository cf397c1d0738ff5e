import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' API keys: only the SHA-256 of each key is stored (unique, the lookup on every request), beside the first
 * characters for recognising it. A revoked key keeps its row (revoked_at), so its prefix stays explainable in logs;
 * a user's keys go with the account.
 */
export class CreateApiKeys1766000003000 implements MigrationInterface {
  name = 'CreateApiKeys1766000003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "name" varchar(100) NOT NULL,
        "prefix" varchar(32) NOT NULL,
        "hash" char(64) NOT NULL,
        "scopes" text[] NOT NULL,
        "expires_at" timestamptz,
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "api_keys_hash_key" UNIQUE ("hash"),
        CONSTRAINT "api_keys_user_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )
    `);
    await queryRunner.query(`CREATE INDEX "api_keys_user_created_idx" ON "api_keys" ("user_id", "created_at" DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
