import { ApiErrorCode, isValidText } from '@ultra/contracts';
import { ApiException, type Problem, ValidationFailedException } from '@ultra/platform';
import type { z } from 'zod';

/** A field no Ultra model can honour, named as the client spelled it. */
export function unsupportedParameter(path: string, why: string): never {
  const message = `${path} is not supported: ${why}`;
  throw new ApiException(ApiErrorCode.UnsupportedParameter, message, [{ path, message }]);
}

const MAX_TEXT_PROBLEMS = 10;
/** Far beyond any request (tool schemas included); deeper bodies are refused before anything recurses on them. */
const MAX_DEPTH = 64;

/**
 * Strings Postgres cannot store and models should not see: NUL, and lone UTF-16 surrogates (JSON "\ud800"), found
 * anywhere in the body (turns, system text, tool arguments) and named by their path.
 */
function textProblems(value: unknown, path: string, problems: Problem[], depth = 0): void {
  if (problems.length >= MAX_TEXT_PROBLEMS) return;
  if (depth > MAX_DEPTH) {
    problems.push({ path, message: `nested deeper than ${MAX_DEPTH} levels` });
  } else if (typeof value === 'string') {
    if (!isValidText(value)) {
      problems.push({ path, message: 'must be valid Unicode text: no NUL (U+0000) and no lone UTF-16 surrogate' });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => textProblems(item, path ? `${path}.${i}` : String(i), problems, depth + 1));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (!isValidText(key)) problems.push({ path: at, message: 'a key must be valid Unicode text' });
      textProblems(item, at, problems, depth + 1);
    }
  }
}

/** Parses a vendor request body; the first problems name their fields (400 validation_failed). */
export function parseVendorBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationFailedException('the body must be a JSON object', [{ path: 'body', message: 'not an object' }]);
  }
  const invalid: Problem[] = [];
  textProblems(body, '', invalid);
  if (invalid.length) {
    throw new ValidationFailedException(invalid.map((p) => `${p.path}: ${p.message}`).join('; '), invalid);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems: Problem[] = parsed.error.issues.slice(0, 10).map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : 'body',
    message: issue.message,
  }));
  throw new ValidationFailedException(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

/** Text of a content that is a string or a list of parts; any non-text part is refused by its path. */
export function textOfContent(
  content: string | readonly { type: string; text?: unknown }[] | null | undefined,
  path: string,
  textTypes: readonly string[] = ['text'],
): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, i) => {
      if (textTypes.includes(part.type) && typeof part.text === 'string') return part.text;
      return unsupportedParameter(
        `${path}.${i}`,
        `content parts of type ${JSON.stringify(part.type)} (images, audio, files) cannot be given to a model by Ultra; send text`,
      );
    })
    .join('');
}
