import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../../api/api-client';

export interface Resource<T> {
  /** undefined until the first answer. */
  data: T | undefined;
  error: unknown;
  reload: () => void;
}

/** One GET of the API. A reload keeps the last answer on screen until the next one arrives, so lists don't flicker. */
export function useResource<T>(path: string): Resource<T> {
  const [state, setState] = useState<{ data?: T; error: unknown }>({ error: null });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    api.get<T>(path).then(
      (data) => live && setState({ data, error: null }),
      (error: unknown) => live && setState((previous) => ({ data: previous.data, error })),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data: state.data, error: state.error, reload };
}

export interface Action {
  busy: boolean;
  error: unknown;
  /** Messages of a validation error by field path (`apiKey`, `models.0`); empty for any other error. */
  fields: Record<string, string>;
  /** Runs the action once at a time; true when it succeeded, the error is kept for display otherwise. */
  run: (action: () => Promise<void>) => Promise<boolean>;
  clear: () => void;
}

/** The state of a form's submit: busy while it runs, and the error to show (a field's, or a banner's). */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  return { busy, error, fields, run, clear };
}

/** The banner's error: null when every message of a validation error is already shown next to its field. */
export function bannerError(action: Action, shownFields: readonly string[]): unknown {
  const paths = Object.keys(action.fields);
  return paths.length > 0 && paths.every((path) => shownFields.includes(path)) ? null : action.error;
}

export function formatDate(iso: string | null | undefined, never = 'Never'): string {
  if (!iso) return never;
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
