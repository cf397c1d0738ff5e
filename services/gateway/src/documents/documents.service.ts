import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type DocumentType,
  DocumentType as Types,
  type DocumentView,
  type DocumentWithText,
  estimateTokens,
  validText,
} from '@ultra/contracts';
import { z } from 'zod';
import { chunkText } from './document-chunker';
import { sniffContent, textTypeOf } from './document-content';
import type { DocumentEntity } from './document.entity';
import {
  DocumentNotFoundException,
  DocumentWithoutTextException,
  UnsupportedDocumentException,
} from './document.exceptions';
import type { UploadedFile } from './document-uploads';
import { DocumentsRepository } from './documents.repository';
import { pdfText } from './pdf-text';

const documentIdSchema = z.uuid();
const MAX_NAME = 255;

/** The client's file name without any folder, made storable; `document` when it gave none. */
export function documentName(filename: string | undefined): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters have no place in a name shown back
  const clean = validText(base.replace(/[\u0000-\u001F\u007F]/g, '')).text.trim();
  // varchar(255) counts code points, so a name is cut by code points and never inside a surrogate pair.
  return Array.from(clean).slice(0, MAX_NAME).join('') || 'document';
}

export function toDocumentView(d: DocumentEntity): DocumentView {
  return {
    id: d.id,
    name: d.name,
    type: d.type,
    ...(d.pages === null ? {} : { pages: d.pages }),
    characters: d.characters,
    tokens: d.tokens,
    createdAt: d.createdAt.toISOString(),
  };
}

interface Extracted {
  type: DocumentType;
  text: string;
  pages?: number;
}

/** Uploads: the type judged by content, the text extracted and made valid, chunked once for later selection. */
@Injectable()
export class DocumentsService {
  constructor(private readonly documents: DocumentsRepository) {}

  async upload(userId: string, file: UploadedFile): Promise<DocumentView> {
    const name = documentName(file.name);
    const { type, text: raw, pages } = await this.extract(name, file.bytes);
    const text = validText(raw).text;
    const chunks = chunkText(text);
    if (!chunks.length) {
      const reason = type === Types.Pdf ? 'its pages have no text layer (a scan?); run OCR on it first' : 'it is empty';
      throw new DocumentWithoutTextException(name, reason);
    }
    const created = await this.documents.create(
      {
        id: randomUUID(),
        userId,
        name,
        type,
        pages: pages ?? null,
        characters: text.length,
        tokens: estimateTokens(text),
        text,
      },
      chunks,
    );
    return toDocumentView(created);
  }

  async list(userId: string): Promise<DocumentView[]> {
    return (await this.documents.listOf(userId)).map(toDocumentView);
  }

  async get(userId: string, id: string, withText: boolean): Promise<DocumentView | DocumentWithText> {
    const found = documentIdSchema.safeParse(id).success ? await this.documents.find(userId, id, withText) : null;
    if (!found) throw new DocumentNotFoundException(id);
    return withText ? { ...toDocumentView(found), text: found.text } : toDocumentView(found);
  }

  async remove(userId: string, id: string): Promise<void> {
    const removed = documentIdSchema.safeParse(id).success && (await this.documents.remove(userId, id));
    if (!removed) throw new DocumentNotFoundException(id);
  }

  private async extract(name: string, bytes: Buffer): Promise<Extracted> {
    const content = sniffContent(bytes);
    switch (content.kind) {
      case 'pdf': {
        const pdf = await pdfText(bytes);
        if (!pdf.ok) throw new UnsupportedDocumentException(name, pdf.reason);
        return { type: Types.Pdf, text: pdf.pages.map((page) => page.trim()).join('\n\n'), pages: pdf.pages.length };
      }
      case 'text':
        return { type: textTypeOf(content.text), text: content.text };
      case 'unsupported':
        throw new UnsupportedDocumentException(name, content.reason);
    }
  }
}
