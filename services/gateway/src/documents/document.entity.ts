import type { DocumentType } from '@ultra/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An uploaded document: its extracted text (valid Unicode) and counts. Always read by owner. */
@Entity({ name: 'documents' })
export class DocumentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: DocumentType;

  /** PDFs only. */
  @Column({ type: 'int', nullable: true })
  pages!: number | null;

  @Column({ type: 'int' })
  characters!: number;

  @Column({ type: 'int' })
  tokens!: number;

  /** Not selected by default: lists and metadata reads never load whole texts. */
  @Column({ type: 'text', select: false })
  text!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A run of whole paragraphs of a document (a long paragraph is cut), numbered from 0 in document order. */
@Entity({ name: 'document_chunks' })
export class DocumentChunkEntity {
  @PrimaryColumn({ name: 'document_id', type: 'uuid' })
  documentId!: string;

  @PrimaryColumn({ type: 'int' })
  index!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'int' })
  tokens!: number;
}
