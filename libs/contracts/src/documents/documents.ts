import { z } from 'zod';

/** Documents one analysis may attach (`documentIds` of `POST /api/analyze`). */
export const MAX_DOCUMENTS_PER_ANALYSIS = 10;

export const DocumentType = { Text: 'text', Markdown: 'markdown', Pdf: 'pdf' } as const;
export type DocumentType = (typeof DocumentType)[keyof typeof DocumentType];
export const documentTypeSchema = z.enum([DocumentType.Text, DocumentType.Markdown, DocumentType.Pdf]);

/** Roughly four characters per token, like the vendors' tokenizers on English text (the mock counts the same way). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** `POST /api/documents`, `GET /api/documents[/:id]`: an uploaded document without its text. */
export interface DocumentView {
  id: string;
  name: string;
  type: DocumentType;
  /** PDFs only. */
  pages?: number;
  characters: number;
  tokens: number;
  createdAt: string;
}

/** `GET /api/documents/:id?include=text`. */
export interface DocumentWithText extends DocumentView {
  text: string;
}

export interface DocumentList {
  documents: DocumentView[];
}

/** One chunk of a document that went into an analysis' prompts; `score` is its BM25 relevance when ranked. */
export const documentChunkUseSchema = z.object({
  index: z.number().int().min(0),
  tokens: z.number().int().min(0),
  score: z.number().min(0).optional(),
});
export type DocumentChunkUse = z.infer<typeof documentChunkUseSchema>;

/**
 * A document as an analysis carries it: what of it the prompts show (`text`: the chosen chunks in document order)
 * and which chunks those are. `truncated` when some chunks were left out to stay within the token budget.
 */
export const analysisDocumentSchema = z.object({
  id: z.uuid(),
  name: z.string().min(1).max(255),
  type: documentTypeSchema,
  text: z.string(),
  truncated: z.boolean(),
  chunks: z.array(documentChunkUseSchema),
});
export type AnalysisDocument = z.infer<typeof analysisDocumentSchema>;

/** What `GET /api/analyses/:id` shows of an analysis' documents: the selection, not the text. */
export type AnalysisDocumentView = Omit<AnalysisDocument, 'text'>;
