import type { AnalysisView } from '@ultra/contracts';
import type { ApiClient } from '../api-client.js';
import { type StreamEvent, followEventStream } from './event-stream.js';
import { applyEvent, newProgress } from './progress-state.js';
import type { ProgressView } from './progress-view.js';

export interface FollowAnalysisOptions {
  pollIntervalMs?: number;
  /** Told once when the server has no event stream and progress comes from polling. */
  onPolling?: () => void;
}

const ended = (view: AnalysisView) => view.status === 'completed' || view.status === 'failed';

export function getAnalysis(client: ApiClient, id: string): Promise<AnalysisView> {
  return client.json<AnalysisView>('GET', `/api/analyses/${encodeURIComponent(id)}`);
}

/**
 * Shows an analysis' progress until it ends and returns its final state. Live from the event stream when the
 * gateway has one, else by polling; either way the final view is read from the API, which is the truth.
 */
export async function followAnalysis(
  client: ApiClient,
  id: string,
  view: ProgressView,
  options: FollowAnalysisOptions = {},
): Promise<AnalysisView> {
  const progress = newProgress(id);
  try {
    const outcome = await followEventStream(client, id, (event) => view.update(progress, applyEvent(progress, event)));
    if (outcome === 'ended') return await getAnalysis(client, id);
    options.onPolling?.();
    const snapshots = new ViewEvents();
    for (;;) {
      const current = await getAnalysis(client, id);
      for (const event of snapshots.next(current)) view.update(progress, applyEvent(progress, event));
      if (ended(current)) return current;
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 500));
    }
  } finally {
    view.stop();
  }
}

/**
 * Polling fallback: turns successive snapshots of `GET /api/analyses/:id` into the events the stream would have
 * sent, so one progress model serves both. Snapshots only show stages once they are recorded, so outputs appear
 * whole (exact tokens, no deltas).
 */
export class ViewEvents {
  private readonly seen = new Set<string>();

  next(view: AnalysisView): StreamEvent[] {
    const events: StreamEvent[] = [];
    const emit = (key: string, type: string, data: Record<string, unknown>) => {
      if (this.seen.has(key)) return;
      this.seen.add(key);
      events.push({ type, data });
    };
    if (view.status !== 'queued') emit('started', 'analysis.started', {});
    for (const stage of view.stages) {
      if (stage.index === null) continue;
      const key = `${stage.index}`;
      const ref = { stage: stage.id, stageIndex: stage.index, label: stage.label, round: stage.round };
      const calls = stage.outputs.map(({ model, sample }) => ({ model, sample }));
      emit(`${stage.id}/${stage.round}:started`, 'stage.started', { ...ref, calls });
      for (const output of stage.outputs) {
        const { model, sample, usage, error } = output;
        const data = { stage: stage.id, stageIndex: stage.index, model, sample, usage, ...error };
        emit(`${key}:${output.model}:${output.sample}`, `output.${output.status}`, data);
      }
      if (stage.kind === 'aggregate') emit(`${key}:aggregate`, 'aggregate.completed', { stage: stage.id });
      if (stage.status !== 'running' && stage.status !== 'pending') {
        emit(`${key}:done`, 'stage.completed', { stage: stage.id, status: stage.status });
      }
    }
    // The stage running now has no record yet; which models take part is not in the snapshot, so only name it.
    const upcoming = view.stages.find((s) => s.index === null && s.status !== 'skipped');
    if (view.status === 'running' && upcoming) {
      const ref = { stage: upcoming.id, label: upcoming.label, round: upcoming.round };
      emit(`${upcoming.id}/${upcoming.round}:started`, 'stage.started', ref);
    }
    if (view.status === 'completed') emit('end', 'analysis.completed', {});
    if (view.status === 'failed') emit('end', 'analysis.failed', { error: view.error });
    return events;
  }
}
