import { DocumentType } from '@ultra/contracts';

/** What an upload's bytes are, judged by content alone (never by file name or declared type). */
export type ContentKind = { kind: 'pdf' } | { kind: 'text'; text: string } | { kind: 'unsupported'; reason: string };

const PDF_MAGIC = Buffer.from('%PDF-');
/** Readers accept the header anywhere in the first KiB (some files carry a preamble), and so do we. */
const PDF_HEADER_WINDOW = 1024;
/** C0 controls other than tab, line feed, form feed and carriage return, and DEL: a sign of a binary file. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be found
const BINARY_CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

/**
 * PDF when its `%PDF-` header is there (whether it parses is the extractor's call); otherwise text when the bytes
 * are valid UTF-8 (a byte order mark is dropped) without NUL or other binary control characters.
 */
export function sniffContent(bytes: Buffer): ContentKind {
  if (bytes.subarray(0, PDF_HEADER_WINDOW).includes(PDF_MAGIC)) return { kind: 'pdf' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'unsupported', reason: 'it is neither a PDF nor UTF-8 text' };
  }
  const at = text.search(BINARY_CONTROL);
  if (at >= 0) {
    const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
    return { kind: 'unsupported', reason: `it holds binary data (control character U+${code} at character ${at})` };
  }
  return { kind: 'text', text };
}

const HEADING = /^ {0,3}#{1,6}[ \t]+\S/m;
const FENCE = /^ {0,3}(```|~~~)/m;
const LIST_ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])[ \t]+\S/gm;
const LINK = /!?\[[^\]\n]+\]\([^)\s]+(?:\s+"[^"\n]*")?\)/g;
const QUOTE = /^ {0,3}>[ \t]?\S/gm;

/**
 * Markdown when the text has an ATX heading (`# …`) or a code fence (``` or ~~~), or at least two list items,
 * links or block quote lines between them; otherwise plain text. A single dash line is too common in plain text
 * to count on its own.
 */
export function looksLikeMarkdown(text: string): boolean {
  if (HEADING.test(text) || FENCE.test(text)) return true;
  const signals =
    (text.match(LIST_ITEM)?.length ?? 0) + (text.match(LINK)?.length ?? 0) + (text.match(QUOTE)?.length ?? 0);
  return signals >= 2;
}

export function textTypeOf(text: string): DocumentType {
  return looksLikeMarkdown(text) ? DocumentType.Markdown : DocumentType.Text;
}
