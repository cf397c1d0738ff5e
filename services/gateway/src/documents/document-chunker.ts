import { estimateTokens } from '@ultra/contracts';

export interface DocumentChunk {
  index: number;
  text: string;
  tokens: number;
}

/** Chunks are packed up to this many tokens; a chunk that ends early (before a long paragraph) may be smaller. */
export const CHUNK_MAX_TOKENS = 400;
const CHUNK_MAX_CHARS = CHUNK_MAX_TOKENS * 4;

/** A paragraph longer than a chunk is cut at sentence ends, or failing those at spaces, or failing those anywhere. */
function pieces(paragraph: string): string[] {
  if (paragraph.length <= CHUNK_MAX_CHARS) return [paragraph];
  const out: string[] = [];
  let rest = paragraph;
  while (rest.length > CHUNK_MAX_CHARS) {
    const window = rest.slice(0, CHUNK_MAX_CHARS);
    const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('? '), window.lastIndexOf('! '));
    const space = window.lastIndexOf(' ');
    const cut = sentence > CHUNK_MAX_CHARS / 2 ? sentence + 1 : space > CHUNK_MAX_CHARS / 2 ? space : CHUNK_MAX_CHARS;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Paragraphs (separated by blank lines) packed in order into chunks of at most CHUNK_MAX_TOKENS, so each chunk is
 * a few whole paragraphs, ranked and shown as a unit. Whitespace-only text has no chunks.
 */
export function chunkText(text: string): DocumentChunk[] {
  const paragraphs = text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .flatMap(pieces);
  const chunks: DocumentChunk[] = [];
  let current: string[] = [];
  let length = 0;
  const flush = () => {
    if (!current.length) return;
    const joined = current.join('\n\n');
    chunks.push({ index: chunks.length, text: joined, tokens: estimateTokens(joined) });
    current = [];
    length = 0;
  };
  for (const paragraph of paragraphs) {
    if (length > 0 && length + 2 + paragraph.length > CHUNK_MAX_CHARS) flush();
    current.push(paragraph);
    length += (length > 0 ? 2 : 0) + paragraph.length;
  }
  flush();
  return chunks;
}
