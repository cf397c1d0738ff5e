import type { AnalysisDocument, DocumentChunkUse, DocumentType } from '@ultra/contracts';
import MiniSearch from 'minisearch';
import type { DocumentChunk } from './document-chunker';

/** A document attached to an analysis, with every chunk made at upload. */
export interface CandidateDocument {
  id: string;
  name: string;
  type: DocumentType;
  chunks: DocumentChunk[];
}

/** Words too common to say anything about relevance; questions are full of them. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can could did do does for from had has have how i if in into is it its me my ' +
    'no not of on or our should so than that the their them then there these they this to was we were what ' +
    'when where which who why will with would you your'
  ).split(' '),
);

/** Between two chunks that are not neighbours in the document, so a reader knows text was left out there. */
export const GAP = '\n\n[…]\n\n';

const totalTokens = (chunks: readonly DocumentChunk[]) => chunks.reduce((sum, c) => sum + c.tokens, 0);
const keyOf = (doc: number, chunk: number) => `${doc}:${chunk}`;

/**
 * What of each document an analysis' prompts show. Within `budget` tokens all of every document; over it, the
 * chunks most relevant to the question by BM25+ (MiniSearch's scoring; stop words dropped, prefix and near matches
 * counted less), best first while they fit; budget left after every matching chunk goes to the rest in reading
 * order (each document's first chunks first). Each document keeps its chosen chunks in document order.
 */
export function selectDocumentText(
  documents: readonly CandidateDocument[],
  question: string,
  budget: number,
): AnalysisDocument[] {
  const all = documents.reduce((sum, d) => sum + totalTokens(d.chunks), 0);
  if (all <= budget) {
    return documents.map((d) => ({
      id: d.id,
      name: d.name,
      type: d.type,
      text: d.chunks.map((c) => c.text).join('\n\n'),
      truncated: false,
      chunks: d.chunks.map(({ index, tokens }) => ({ index, tokens })),
    }));
  }
  const chosen = new Map<string, number>();
  let left = budget;
  const take = (doc: number, chunk: DocumentChunk, score: number) => {
    const key = keyOf(doc, chunk.index);
    if (chosen.has(key) || chunk.tokens > left) return;
    chosen.set(key, score);
    left -= chunk.tokens;
  };
  for (const hit of rank(documents, question)) take(hit.doc, documents[hit.doc].chunks[hit.chunk], hit.score);
  const longest = Math.max(...documents.map((d) => d.chunks.length));
  for (let i = 0; i < longest; i++) documents.forEach((d, doc) => d.chunks[i] && take(doc, d.chunks[i], 0));

  return documents.map((d, doc) => {
    const kept = d.chunks.filter((c) => chosen.has(keyOf(doc, c.index)));
    const text = kept
      .map((c, i) => (i > 0 && kept[i - 1].index !== c.index - 1 ? GAP : i > 0 ? '\n\n' : '') + c.text)
      .join('');
    const chunks = kept.map(({ index, tokens }): DocumentChunkUse => ({
      index,
      tokens,
      score: round(chosen.get(keyOf(doc, index)) ?? 0),
    }));
    return { id: d.id, name: d.name, type: d.type, text, truncated: kept.length < d.chunks.length, chunks };
  });
}

const round = (score: number) => Math.round(score * 1000) / 1000;

/** Every chunk that shares a term with the question, most relevant first. */
function rank(documents: readonly CandidateDocument[], question: string) {
  type Entry = { id: string; doc: number; chunk: number; text: string };
  const index = new MiniSearch<Entry>({
    fields: ['text'],
    storeFields: ['doc', 'chunk'],
    processTerm: (term) => {
      const lower = term.toLowerCase();
      return STOP_WORDS.has(lower) ? null : lower;
    },
  });
  index.addAll(
    documents.flatMap((d, doc) =>
      d.chunks.map((c) => ({ id: keyOf(doc, c.index), doc, chunk: c.index, text: c.text })),
    ),
  );
  // Prefix and fuzzy matches (weighted down by MiniSearch) let "zebra" answer "zebras" and "migration" "migrate".
  return index
    .search(question, { prefix: true, fuzzy: 0.2 })
    .map((hit) => ({ doc: Number(hit.doc), chunk: Number(hit.chunk), score: hit.score }));
}
