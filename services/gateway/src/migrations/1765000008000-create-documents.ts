import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' uploaded documents: the extracted text with its counts, and its chunks (paragraphs packed into a few
 * hundred tokens each) made once at upload, so choosing what fits an analysis' token budget reads no whole text.
 * A user's documents go with the account, a document's chunks with the document.
 */
export class CreateDocuments1765000008000 implements MigrationInterface {
  name = 'CreateDocuments1765000008000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "documents" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "name" varchar(255) NOT NULL,
        "type" varchar(16) NOT NULL,
        "pages" integer,
        "characters" integer NOT NULL,
        "tokens" integer NOT NULL,
        "text" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "documents_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "documents_user_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "documents_type_check" CHECK ("type" IN ('text', 'markdown', 'pdf'))
      )
    `);
    await queryRunner.query(`CREATE INDEX "documents_user_created_idx" ON "documents" ("user_id", "created_at" DESC)`);
    await queryRunner.query(`
      CREATE TABLE "document_chunks" (
        "document_id" uuid NOT NULL,
        "index" integer NOT NULL,
        "text" text NOT NULL,
        "tokens" integer NOT NULL,
        CONSTRAINT "document_chunks_pkey" PRIMARY KEY ("document_id", "index"),
        CONSTRAINT "document_chunks_document_fk" FOREIGN KEY ("document_id") REFERENCES "documents" ("id")
          ON DELETE CASCADE
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "document_chunks"`);
    await queryRunner.query(`DROP TABLE "documents"`);
  }
}
