import { parse, YAMLError } from 'yaml';

export type YamlParse = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parses a YAML (or JSON) document. A syntax error comes back as one line naming where it is, e.g.
 * `line 3, column 5: Implicit keys need to be on a single line`.
 */
export function parseYaml(text: string): YamlParse {
  try {
    return { ok: true, value: parse(text) as unknown };
  } catch (error) {
    if (!(error instanceof YAMLError)) throw error;
    // The pretty message ends its first line with the position and then quotes the source; the position is
    // taken from linePos instead, so the message reads the same for every kind of error.
    const reason = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    const at = error.linePos?.[0];
    return { ok: false, message: at ? `line ${at.line}, column ${at.col}: ${reason}` : reason };
  }
}
