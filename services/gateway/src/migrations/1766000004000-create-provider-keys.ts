import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' own provider keys (BYOK), sealed with AES-256-GCM under a key-encryption key: only the KEK's id, the nonce,
 * the ciphertext and the tag are stored, plus the last four characters to tell keys apart. One key per user and
 * provider; they go with the account.
 */
export class CreateProviderKeys1766000004000 implements MigrationInterface {
  name = 'CreateProviderKeys1766000004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "provider_keys" (
        "user_id" uuid NOT NULL,
        "provider" varchar(64) NOT NULL,
        "kid" varchar(32) NOT NULL,
        "iv" bytea NOT NULL,
        "ciphertext" bytea NOT NULL,
        "tag" bytea NOT NULL,
        "last4" varchar(4) NOT NULL,
        "base_url" varchar(2048),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        CONSTRAINT "provider_keys_pkey" PRIMARY KEY ("user_id", "provider"),
        CONSTRAINT "provider_keys_user_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "provider_keys"`);
  }
}
