/** U+FFFD, what every invalid character becomes. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

// A high surrogate not followed by a low one, a low surrogate not preceded by a high one, or NUL.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const INVALID = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;

export interface ValidText {
  text: string;
  /** How many characters were replaced. */
  repaired: number;
}

/**
 * Makes text storable everywhere: lone UTF-16 surrogates (from a cut stream or a model that emits them) and NUL
 * cannot be stored in Postgres text or jsonb, so each becomes U+FFFD and is counted. Valid text is returned as is.
 */
export function validText(text: string): ValidText {
  let repaired = 0;
  const fixed = text.replace(INVALID, () => {
    repaired++;
    return REPLACEMENT_CHARACTER;
  });
  return { text: repaired ? fixed : text, repaired };
}

/** Whether `validText` would change anything (a cheap check for hot paths). */
export function isValidText(text: string): boolean {
  INVALID.lastIndex = 0;
  return !INVALID.test(text);
}

/**
 * Replaces invalid characters in every string of a JSON-like value (object keys too), returning a copy and the
 * count; values without any come back as the same objects.
 */
export function validJson<T>(value: T): { value: T; repaired: number } {
  let repaired = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const fixed = validText(v);
      repaired += fixed.repaired;
      return fixed.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [walk(k) as string, walk(inner)]));
    }
    return v;
  };
  const out = walk(value) as T;
  return { value: repaired ? out : value, repaired };
}
