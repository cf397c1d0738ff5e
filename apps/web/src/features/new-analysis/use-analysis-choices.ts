import type { ModelInfo, PatternInfo, UserDefaultsView } from '@ultra/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/api-client';

/**
 * A model as `GET /api/available-models` lists it. `pricing` is read when the gateway reports it (the catalog's
 * USD per million tokens); the picker shows no price otherwise.
 */
export type CatalogModel = ModelInfo & { pricing?: { inputPerMTok: number; outputPerMTok: number } };

/** What the form offers: the catalog, the patterns, and the caller's default panel. */
export interface AnalysisChoices {
  models: CatalogModel[];
  patterns: PatternInfo[];
  defaults: UserDefaultsView | null;
}

type ChoicesState = { choices: AnalysisChoices; error?: undefined } | { choices?: undefined; error: unknown };

async function loadChoices(): Promise<AnalysisChoices> {
  const [models, patterns, defaults] = await Promise.all([
    api.get<{ models: CatalogModel[] }>('/api/available-models'),
    api.get<{ patterns: PatternInfo[] }>('/api/patterns'),
    // Without a stored panel (or a key scoped without it) the form just starts empty.
    api.get<UserDefaultsView>('/api/users/me/defaults').catch(() => null),
  ]);
  return { models: models.models, patterns: patterns.patterns, defaults };
}

/** Loads the choices once; `retry` loads them again after an error. */
export function useAnalysisChoices(): { state: ChoicesState | undefined; retry: () => void } {
  const [state, setState] = useState<ChoicesState>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    loadChoices().then(
      (choices) => live && setState({ choices }),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const retry = useCallback(() => {
    setState(undefined);
    setAttempt((n) => n + 1);
  }, []);
  return { state, retry };
}
