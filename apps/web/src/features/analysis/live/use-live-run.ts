import { useCallback, useEffect, useRef, useState } from 'react';
import type { AnalysisView, PushEvent } from '@ultra/contracts';
import { api } from '../../../api/api-client';
import { applyEvent } from './live-events';
import { type LiveState, stateFromView, withStoredRouting } from './live-state';
import { type Connection, useAnalysisEvents } from './use-analysis-events';

/** A replayed stream brings many stage events at once: one look at the stored run covers them all. */
const RECONCILE_DELAY_MS = 300;

/**
 * The live state of a running analysis: seeded from the stored view, moved on by its push events. Fallbacks and
 * cache hits are not in the events, so each stage boundary also reads the stored run for them.
 */
export function useLiveRun(
  analysis: AnalysisView,
  onEnded: () => void,
): { state: LiveState; connection: Connection; error: unknown } {
  const [state, setState] = useState(() => stateFromView(analysis));
  const ended = useRef(onEnded);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    ended.current = onEnded;
  }, [onEnded]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const id = analysis.id;
  const reconcile = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      api
        .get<AnalysisView>(`/api/analyses/${encodeURIComponent(id)}`)
        .then((view) => setState((current) => withStoredRouting(current, view)))
        // Only badges are at stake; the result view reads the whole run when the analysis ends.
        .catch(() => undefined);
    }, RECONCILE_DELAY_MS);
  }, [id]);

  const onEvent = useCallback(
    (event: PushEvent) => {
      setState((current) => applyEvent(current, event));
      if (event.type === 'stage.completed' || event.type === 'stage.started') reconcile();
      if (event.type === 'analysis.completed' || event.type === 'analysis.failed') {
        clearTimeout(timer.current);
        ended.current();
      }
    },
    [reconcile],
  );

  const { connection, error } = useAnalysisEvents(id, onEvent);
  return { state, connection, error };
}
