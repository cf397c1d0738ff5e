/**
 * Just enough YAML for the editor, since the app has no YAML library: writing a pattern document as YAML (the
 * gateway parses it), and finding the line of a field the API names (`stages.1.prompt.user`) in block-style YAML.
 */

const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;
// Plain scalars: model ids (`openai:gpt-4o`) and `$param` references; a colon only where YAML reads it as text.
const PLAIN = /^[A-Za-z_$][A-Za-z0-9_ .,$/()+:-]*$/;
const pad = (depth: number) => '  '.repeat(depth);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string as one line, or as a literal block (`|`) for prompts, whose line breaks are the point. */
function stringLines(text: string, depth: number): string[] {
  const blockable = text.includes('\n') && !/^\s/.test(text) && !/\n\n$/.test(text) && !text.includes('\r');
  if (blockable) {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    return [text.endsWith('\n') ? '|' : '|-', ...body.split('\n').map((l) => (l ? pad(depth) + l : ''))];
  }
  const plain = PLAIN.test(text) && !RESERVED.test(text) && !/ $|:$|: /.test(text);
  // A JSON string is a valid YAML double-quoted scalar, escapes included.
  return [plain ? text : JSON.stringify(text)];
}

/** The value's lines; the first goes after `key: ` or `- `, the rest are already indented to `depth`. */
function valueLines(value: unknown, depth: number): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]'];
    return ['', ...value.flatMap((item) => itemLines(item, depth))];
  }
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0) return ['{}'];
    return ['', ...mappingLines(value, depth)];
  }
  if (typeof value === 'string') return stringLines(value, depth);
  if (value === undefined || value === null) return ['null'];
  return [typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)];
}

function mappingLines(value: Record<string, unknown>, depth: number): string[] {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .flatMap(([key, v]) => {
      const name = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !RESERVED.test(key) ? key : JSON.stringify(key);
      const [first, ...rest] = valueLines(v, depth + 1);
      return [`${pad(depth)}${name}:${first ? ` ${first}` : ''}`, ...rest];
    });
}

/** A sequence item: a mapping starts on the dash's line (`- id: answer`), its other keys line up under it. */
function itemLines(item: unknown, depth: number): string[] {
  if ((isPlainObject(item) && Object.keys(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
    const [, ...nested] = valueLines(item, depth + 1);
    return [`${pad(depth)}- ${nested[0].slice(pad(depth + 1).length)}`, ...nested.slice(1)];
  }
  const [first, ...rest] = valueLines(item, depth + 1);
  return [`${pad(depth)}- ${first}`, ...rest];
}

export function toYaml(document: unknown): string {
  const lines = isPlainObject(document) ? mappingLines(document, 0) : valueLines(document, 0);
  return `${lines.join('\n')}\n`;
}

interface Mark {
  kind: 'item' | 'key';
  col: number;
  line: number;
  key?: string;
}

/** Sequence dashes and mapping keys of each line, with their columns; the insides of literal blocks are skipped. */
function marksOf(yaml: string): Mark[] {
  const marks: Mark[] = [];
  let blockAbove = -1;
  yaml.split('\n').forEach((text, index) => {
    const indent = text.search(/\S/);
    if (indent < 0 || text.trimStart().startsWith('#')) return;
    if (blockAbove >= 0 && indent > blockAbove) return;
    blockAbove = -1;
    let col = indent;
    while (text.startsWith('- ', col) || text.slice(col) === '-') {
      marks.push({ kind: 'item', col, line: index + 1 });
      col += 2;
      while (text[col] === ' ') col++;
    }
    const key = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s:#"'][^:#]*?)\s*:(?:\s+(.*))?$/.exec(text.slice(col));
    if (!key) return;
    const name = key[1].startsWith('"') ? (JSON.parse(key[1]) as string) : key[1].replace(/^'|'$/g, '');
    marks.push({ kind: 'key', col, line: index + 1, key: name });
    if (key[2] && /^[|>][-+0-9]*\s*(#.*)?$/.test(key[2])) blockAbove = col;
  });
  return marks;
}

/** The line of the deepest part of `path` found in the document; undefined when not even its first part is. */
export function lineOfPath(yaml: string, path: string): number | undefined {
  const marks = marksOf(yaml);
  let at = -1;
  let parentCol = -1;
  let line: number | undefined;
  for (const segment of path.split('.')) {
    const index = /^\d+$/.test(segment) ? Number(segment) : undefined;
    let found = -1;
    let childCol: number | undefined;
    let seen = 0;
    for (let i = at + 1; i < marks.length; i++) {
      const m = marks[i];
      // A sequence may sit at its key's column (`stages:` then `- id: …`); anything else there ends the block.
      if (m.col < parentCol || (m.col === parentCol && !(index !== undefined && m.kind === 'item'))) break;
      if (index !== undefined) {
        if (m.kind !== 'item') continue;
        childCol ??= m.col;
        if (m.col === childCol && seen++ === index) found = i;
      } else {
        childCol ??= m.col;
        if (m.kind === 'key' && m.col === childCol && m.key === segment) found = i;
      }
      if (found >= 0) break;
    }
    if (found < 0) return line;
    at = found;
    parentCol = marks[found].col;
    line = marks[found].line;
  }
  return line;
}

/** The line a YAML syntax error names (`line 3, column 5: …`). */
export function lineOfMessage(message: string): number | undefined {
  const match = /\bline (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
