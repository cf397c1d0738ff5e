import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from 'yaml';

/**
 * The editor's YAML, through the `yaml` library the gateway parses patterns with: writing a pattern document,
 * reading one back for the form, and finding the line of a field the API names (`stages.1.prompt.user`).
 */

/** Block YAML; prompts with line breaks become literal blocks. No folding: long prompt lines stay one line. */
export function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0 });
}

export type YamlRead = { ok: true; document: Record<string, unknown> } | { ok: false; message: string };

/** The document the YAML holds, or why it cannot be read (its first error, with line and column). */
export function fromYaml(text: string): YamlRead {
  const parsed = parseDocument(text);
  const [error] = parsed.errors;
  // The message's first line names the problem and its position; the rest is a code excerpt.
  if (error) return { ok: false, message: error.message.split('\n')[0].replace(/:$/, '') };
  const value: unknown = parsed.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'the YAML is not a mapping of fields (id, name, stages…)' };
  }
  return { ok: true, document: value as Record<string, unknown> };
}

/** The line of the deepest part of `path` found in the document; undefined when not even its first part is. */
export function lineOfPath(yaml: string, path: string): number | undefined {
  const lineCounter = new LineCounter();
  let node: unknown = parseDocument(yaml, { lineCounter }).contents;
  let line: number | undefined;
  for (const segment of path.split('.')) {
    let offset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      node = pair?.value;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      node = node.items[Number(segment)];
      // An item's range starts at its content, on the dash's line.
      offset = isMap(node) || isSeq(node) || isScalar(node) ? node.range?.[0] : undefined;
    }
    if (offset === undefined) return line;
    line = lineCounter.linePos(offset).line;
  }
  return line;
}

/** The line a YAML syntax error names (`line 3, column 5: …`, or the parser's `… at line 3, column 5`). */
export function lineOfMessage(message: string): number | undefined {
  const match = /\bline (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
