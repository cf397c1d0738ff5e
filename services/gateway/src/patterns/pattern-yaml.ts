import { parse, YAMLError } from 'yaml';

export type YamlParse = { ok: true; value: unknown } | { ok: false; message: string };

/** A pattern needs no anchors: a few are allowed, and expanding many is refused (a "billion laughs" body). */
const MAX_ALIAS_COUNT = 50;

/**
 * Parses a YAML (or JSON) document. A syntax error comes back as one line naming where it is, e.g.
 * `line 3, column 5: Implicit keys need to be on a single line`.
 */
export function parseYaml(text: string): YamlParse {
  try {
    return { ok: true, value: parse(text, { maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    // yaml refuses an alias explosion with a ReferenceError rather than a YAMLError.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return { ok: false, message: `too many YAML aliases: at most ${MAX_ALIAS_COUNT} are expanded` };
    }
    if (!(error instanceof YAMLError)) throw error;
    // The pretty message ends its first line with the position and then quotes the source; the position is
    // taken from linePos instead, so the message reads the same for every kind of error.
    const reason = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    const at = error.linePos?.[0];
    return { ok: false, message: at ? `line ${at.line}, column ${at.col}: ${reason}` : reason };
  }
}
