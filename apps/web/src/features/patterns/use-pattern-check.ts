import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { ApiError } from '../../api/api-client';
import { problemsOf, validatePattern } from './pattern-api';
import type { Problem } from './pattern-yaml-editor';

/** How long typing must pause before the document is checked: one request per pause, not per keystroke. */
export const CHECK_DELAY_MS = 400;

/** The answer of one live check: valid, refused with problems, or not checked (offline, rate limited…). */
export type PatternCheck =
  { state: 'valid' } | { state: 'invalid'; problems: Problem[] } | { state: 'unavailable'; message: string };

/** What a refused check says: the API's per-field problems, or its message as one problem. */
function checkOf(error: unknown): PatternCheck {
  if (error instanceof ApiError && error.status === 400) {
    const problems = problemsOf(error);
    return { state: 'invalid', problems: problems.length > 0 ? problems : [{ path: '', message: error.message }] };
  }
  return { state: 'unavailable', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Checks `document` with the API's dry run once `key` (the document as text) has stopped changing for
 * CHECK_DELAY_MS. A newer key aborts the older request, and an answer to an older key is dropped even if it
 * arrives, so the result always matches the text. Nothing is checked until the document differs from its base:
 * the one the editor opened with, or the one the returned `rebase` adopts (after Save, the saved document).
 */
export function usePatternCheck(
  document: string | Record<string, unknown>,
  key: string,
  onCheck: (check: PatternCheck) => void,
): () => void {
  // key null: adopt the next render's key as the base. Once edited, reverting the text still checks it.
  const [base, setBase] = useState<{ key: string | null; edited: boolean }>({ key, edited: false });
  if (base.key === null) setBase({ key, edited: false });
  else if (!base.edited && key !== base.key) setBase({ key: base.key, edited: true });
  const enabled = base.edited;

  const run = useEffectEvent((signal: AbortSignal) => {
    validatePattern(document, signal).then(
      () => !signal.aborted && onCheck({ state: 'valid' }),
      (error: unknown) => !signal.aborted && onCheck(checkOf(error)),
    );
  });

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const timer = setTimeout(() => run(controller.signal), CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, enabled]);

  return useCallback(() => setBase({ key: null, edited: false }), []);
}
