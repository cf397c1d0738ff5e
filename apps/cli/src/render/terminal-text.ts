import { Marked, type MarkedExtension } from 'marked';
import { markedTerminal } from 'marked-terminal';
import pc from 'picocolors';

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*m/g;

export const stripAnsi = (text: string): string => text.replace(ansi, '');
export const visibleLength = (text: string): number => stripAnsi(text).length;

/** Left-aligned columns two spaces apart; colour codes do not count towards the widths. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i] - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export const usd = (value: number): string => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;

export const range = (r: { low: number; high: number }, format: (n: number) => string = String): string =>
  r.low === r.high ? format(r.low) : `${format(r.low)}–${format(r.high)}`;

/**
 * marked-terminal prints a block `text` token (a tight list item's content) as raw Markdown, so `- **bold**` keeps
 * its asterisks (mikaelbr/marked-terminal#304); render its inline tokens instead, and leave the rest to it.
 */
const inlineInBlockText: MarkedExtension = {
  renderer: {
    text(token) {
      return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
    },
  },
};

/**
 * Markdown for a terminal (headings, lists, code, tables), wrapped to its width. Answers come from models, so
 * this is display only: nothing in them is executed or linked beyond what the terminal itself does.
 */
export function renderMarkdown(markdown: string, columns: number | undefined): string {
  const width = Math.max(40, Math.min(columns ?? 80, 120));
  const marked = new Marked(markedTerminal({ width, reflowText: true, tab: 2, emoji: false }), inlineInBlockText);
  const text = marked.parse(markdown, { async: false }).trimEnd();
  // marked-terminal's chalk ignores NO_COLOR; picocolors knows it (and whether stdout is a terminal).
  return pc.isColorSupported ? text : stripAnsi(text);
}
