import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { type DocumentView, type DocumentWithText, documentTypeSchema } from '@ultra/contracts';
import { z } from 'zod';
import type { GatewayConfig } from '../config/gateway.config';
import { addRoute } from './api-route';

const documentView = z
  .object({
    id: z.uuid(),
    name: z.string().meta({ description: "The uploaded file's name; it plays no part in judging the type." }),
    type: documentTypeSchema.meta({
      description: 'Judged by content: a readable PDF, or UTF-8 text (Markdown or not).',
    }),
    pages: z.number().int().optional().meta({ description: 'PDFs only.' }),
    characters: z.number().int(),
    tokens: z.number().int().meta({ description: 'Estimated: characters / 4, rounded up.' }),
    createdAt: z.string(),
  })
  .meta({ id: 'Document' }) satisfies z.ZodType<DocumentView>;

const documentWithText = documentView
  .extend({ text: z.string() })
  .meta({ id: 'DocumentWithText' }) satisfies z.ZodType<DocumentWithText>;

const tag = 'documents';

/** `/api/documents` (README: "Documents"). */
export function registerDocuments(registry: OpenAPIRegistry, config: GatewayConfig): void {
  addRoute(registry, {
    method: 'post',
    path: '/api/documents',
    tag,
    summary: 'Upload a document: plain text, Markdown or PDF',
    description:
      `multipart/form-data with exactly one file of at most ${config.DOCUMENT_MAX_BYTES} bytes (DOCUMENT_MAX_BYTES). ` +
      'The type is judged by content, never by name or declared type: a PDF by its `%PDF-` header and pdf.js ' +
      'reading it; otherwise UTF-8 text without binary control characters. 415 for anything else (an encrypted or ' +
      'damaged PDF too), 422 for a file with no text (empty, or a PDF without a text layer).',
    body: {
      'multipart/form-data': {
        schema: z.object({ file: z.string().meta({ format: 'binary', description: 'The document.' }) }),
      },
    },
    success: { status: 201, description: 'Stored.', schema: documentView },
    errors: ['unsupported_media_type', 'document_without_text', 'payload_too_large'],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/documents',
    tag,
    summary: "The caller's documents, newest first",
    success: {
      status: 200,
      description: 'The documents.',
      schema: z.object({ documents: z.array(documentView) }).meta({ id: 'DocumentList' }),
    },
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/documents/{id}',
    tag,
    summary: 'A document; with `?include=text` its extracted text too',
    query: z.object({ include: z.enum(['text']).optional() }),
    success: {
      status: 200,
      description: 'The document.',
      content: { 'application/json': { schema: z.union([documentWithText, documentView]) } },
    },
    errors: ['document_not_found'],
  });
  addRoute(registry, {
    method: 'delete',
    path: '/api/documents/{id}',
    tag,
    summary: 'Delete a document',
    description: 'Analyses that used it keep the text their prompts showed.',
    success: { status: 204, description: 'Deleted.' },
    errors: ['document_not_found'],
  });
}
