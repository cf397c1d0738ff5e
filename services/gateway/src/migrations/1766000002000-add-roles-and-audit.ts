import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles, tiers and disabling on accounts, and the audit log of security events. Audit rows outlive the users
 * they name (no foreign key): an admin must still see what happened to a deleted account.
 */
export class AddRolesAndAudit1766000002000 implements MigrationInterface {
  name = 'AddRolesAndAudit1766000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "users"
        ADD COLUMN "role" varchar(16) NOT NULL DEFAULT 'user',
        ADD COLUMN "tier" varchar(16) NOT NULL DEFAULT 'free',
        ADD COLUMN "disabled_at" timestamptz,
        ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('user', 'admin')),
        ADD CONSTRAINT "users_tier_check" CHECK ("tier" IN ('free', 'basic', 'premium', 'enterprise'))
    `);
    await queryRunner.query(`CREATE INDEX "users_created_idx" ON "users" ("created_at" DESC, "id" DESC)`);
    await queryRunner.query(`
      CREATE TABLE "audit_events" (
        "id" uuid NOT NULL,
        "user_id" uuid,
        "actor_id" uuid,
        "type" varchar(32) NOT NULL,
        "ip" varchar(64),
        "user_agent" varchar(512),
        "details" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(
      `CREATE INDEX "audit_events_user_created_idx" ON "audit_events" ("user_id", "created_at" DESC)`,
    );
    await queryRunner.query(`CREATE INDEX "audit_events_created_idx" ON "audit_events" ("created_at" DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_events"`);
    await queryRunner.query(`DROP INDEX "users_created_idx"`);
    await queryRunner.query(`
      ALTER TABLE "users"
        DROP CONSTRAINT "users_tier_check",
        DROP CONSTRAINT "users_role_check",
        DROP COLUMN "disabled_at",
        DROP COLUMN "tier",
        DROP COLUMN "role"
    `);
  }
}
