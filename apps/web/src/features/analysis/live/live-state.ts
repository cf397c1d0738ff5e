import type {
  AnalysisError,
  AnalysisView,
  OutputError,
  OutputView,
  StageStatus,
  StageView,
  Usage,
} from '@ultra/contracts';

/** Where one output stands while the run is watched. `retrying`: its text so far is void, another call follows. */
export type OutputPhase = 'waiting' | 'streaming' | 'retrying' | 'completed' | 'failed';

export interface LiveOutput {
  model: string;
  sample: number;
  phase: OutputPhase;
  /** Plain text as streamed; replaced, not appended to, when a retry or a fallback starts again. */
  text: string;
  usage?: Usage;
  error?: OutputError;
  /** The cause of the last `output.retrying`, shown while the next call runs. */
  retryCause?: Partial<OutputError>;
  /** Attempt of the last `output.retrying`: the next call's attempt tells a retry from a fallback. */
  retryingAt?: number;
  retries: number;
  /** true once a fallback took over live; the model's id once the stored run names it. */
  fellBack: boolean;
  answeredBy?: string;
  fallbackReason?: string;
  breakerOpen: boolean;
  cached: boolean;
}

export interface LiveStage {
  /** Run index; null for a stage of the pattern that has not started. */
  index: number | null;
  id: string;
  label: string;
  kind: StageView['kind'];
  round: number;
  status: StageStatus;
  outputs: LiveOutput[];
  note?: string;
}

export interface LiveState {
  stages: LiveStage[];
  started: boolean;
  ended: { status: 'completed' } | { status: 'failed'; error: AnalysisError } | null;
}

export function emptyOutput(model: string, sample: number): LiveOutput {
  return { model, sample, phase: 'waiting', text: '', retries: 0, fellBack: false, breakerOpen: false, cached: false };
}

/** What the stored run says of an output that live events cannot tell (fallbacks, cache hits). */
export function routingOf(output: OutputView): Partial<LiveOutput> {
  return {
    ...(output.answeredBy && { fellBack: true, answeredBy: output.answeredBy, fallbackReason: output.fallbackReason }),
    ...(output.cached && { cached: true }),
    ...(output.error?.category === 'circuit_open' && { breakerOpen: true }),
  };
}

function outputOf(output: OutputView): LiveOutput {
  return {
    ...emptyOutput(output.model, output.sample),
    phase: output.status,
    text: output.text ?? '',
    usage: output.usage,
    ...(output.error && { error: output.error }),
    ...routingOf(output),
  };
}

/** The starting point: the stored analysis (stages already run, and the pattern's stages still pending). */
export function stateFromView(view: AnalysisView): LiveState {
  return {
    started: view.status !== 'queued',
    ended: null,
    stages: view.stages.map((stage) => ({
      index: stage.index,
      id: stage.id,
      label: stage.label,
      kind: stage.kind,
      round: stage.round,
      status: stage.status,
      outputs: stage.outputs.map(outputOf),
      ...(stage.note !== undefined && { note: stage.note }),
    })),
  };
}

/** Merges the stored run's routing facts into the live outputs, leaving the streamed text alone. */
export function withStoredRouting(state: LiveState, view: AnalysisView): LiveState {
  const stored = new Map(view.stages.filter((s) => s.index !== null).map((s) => [s.index, s]));
  return {
    ...state,
    stages: state.stages.map((stage) => {
      const run = stage.index === null ? undefined : stored.get(stage.index);
      if (!run) return stage;
      return {
        ...stage,
        outputs: stage.outputs.map((output) => {
          const match = run.outputs.find((o) => o.model === output.model && o.sample === output.sample);
          return match ? { ...output, ...routingOf(match), usage: match.usage } : output;
        }),
      };
    }),
  };
}

/** Sum of the outputs' `usage.costUsd` so far. */
export function costOf(state: LiveState): number {
  return state.stages.reduce(
    (total, stage) => total + stage.outputs.reduce((sum, output) => sum + (output.usage?.costUsd ?? 0), 0),
    0,
  );
}

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

export const formatCost = (costUsd: number): string => usd.format(costUsd);

/** `42 s`, `3 min 05 s`: whole seconds, enough for a run that takes seconds to minutes. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
