import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { DocumentChunk } from './document-chunker';
import { DocumentChunkEntity, DocumentEntity } from './document.entity';

/** Rows per INSERT: four parameters a chunk stays well under Postgres' 65,535 parameters per statement. */
const CHUNK_BATCH = 1_000;

export type NewDocument = Omit<DocumentEntity, 'createdAt'>;

/** Users' documents and their chunks, always looked up by owner: no method reads another user's. */
@Injectable()
export class DocumentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The document and its chunks in one transaction, so a document is never seen without its chunks. */
  async create(document: NewDocument, chunks: readonly DocumentChunk[]): Promise<DocumentEntity> {
    return this.dataSource.transaction(async (manager) => {
      await manager.insert(DocumentEntity, document);
      for (let from = 0; from < chunks.length; from += CHUNK_BATCH) {
        const rows = chunks.slice(from, from + CHUNK_BATCH).map((c) => ({ documentId: document.id, ...c }));
        await manager.insert(DocumentChunkEntity, rows);
      }
      return manager.findOneByOrFail(DocumentEntity, { id: document.id });
    });
  }

  listOf(userId: string): Promise<DocumentEntity[]> {
    return this.dataSource
      .getRepository(DocumentEntity)
      .find({ where: { userId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** With `withText`, the whole extracted text too. */
  async find(userId: string, id: string, withText = false): Promise<DocumentEntity | null> {
    const query = this.dataSource
      .getRepository(DocumentEntity)
      .createQueryBuilder('d')
      .where('d.id = :id AND d.user_id = :userId', { id, userId });
    if (withText) query.addSelect('d.text');
    return query.getOne();
  }

  /** The caller's documents among `ids` (others' and missing ones are simply absent). */
  findOwned(userId: string, ids: readonly string[]): Promise<DocumentEntity[]> {
    return this.dataSource.getRepository(DocumentEntity).findBy({ userId, id: In([...ids]) });
  }

  /** Each document's chunks in order. */
  async chunksOf(documentIds: readonly string[]): Promise<Map<string, DocumentChunk[]>> {
    const rows = await this.dataSource
      .getRepository(DocumentChunkEntity)
      .find({ where: { documentId: In([...documentIds]) }, order: { documentId: 'ASC', index: 'ASC' } });
    const byDocument = new Map<string, DocumentChunk[]>(documentIds.map((id) => [id, []]));
    for (const { documentId, index, text, tokens } of rows) byDocument.get(documentId)?.push({ index, text, tokens });
    return byDocument;
  }

  /** False when the user has no such document. Its chunks go with it (ON DELETE CASCADE). */
  async remove(userId: string, id: string): Promise<boolean> {
    const { affected } = await this.dataSource.getRepository(DocumentEntity).delete({ userId, id });
    return (affected ?? 0) > 0;
  }
}
