import type { StreamEvent } from './event-stream.js';

export type ModelState = 'waiting' | 'streaming' | 'retrying' | 'done' | 'failed';

/** One progress line: a model (or one of its samples) in the stage it is working on. */
export interface ModelProgress {
  model: string;
  sample: number;
  stage: string;
  /** The stage run (several for repeated rounds or layers of one stage). */
  stageIndex?: number;
  state: ModelState;
  /** Output tokens so far: exact once the output completed with usage, estimated from characters before. */
  tokens: number;
  exact: boolean;
  chars: number;
  attempt: number;
  error?: string;
}

export interface Progress {
  analysisId: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  stage?: string;
  rows: Map<string, ModelProgress>;
  error?: { code: string; message: string };
}

export function newProgress(analysisId: string): Progress {
  return { analysisId, status: 'queued', rows: new Map() };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const obj = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** Roughly four characters a token: enough to watch a stream grow until the provider's count arrives. */
export const estimateTokens = (chars: number): number => Math.ceil(chars / 4);

/** `category: message` of an output.failed event, whichever shape it carries the error in. */
function errorText(data: Record<string, unknown>): string {
  const error = obj(data.error);
  const category = str(error.category) ?? str(data.category);
  const message = str(error.message) ?? str(data.message) ?? 'failed';
  return category ? `${category}: ${message}` : message;
}

/**
 * Applies one event to the progress and returns a line worth printing when output is not a terminal (stage and
 * output milestones; token deltas return nothing). Fields are read leniently: an event missing one still counts.
 */
export function applyEvent(progress: Progress, event: StreamEvent): string | undefined {
  const data = event.data;
  const stage = str(data.stage) ?? str(data.stageId) ?? progress.stage ?? '';
  const model = str(data.model);
  const sample = num(data.sample) ?? 0;
  const stageIndex = num(data.stageIndex);
  const row = model ? rowOf(progress, model, sample, stage, stageIndex) : undefined;
  const who = model ? `${stage} · ${model}${sample > 0 ? `#${sample}` : ''}` : stage;
  switch (event.type) {
    case 'analysis.started':
      progress.status = 'running';
      return `analysis ${progress.analysisId} started`;
    case 'stage.started': {
      progress.status = 'running';
      progress.stage = stage;
      const calls = callsOf(data);
      for (const call of calls) rowOf(progress, call.model, call.sample, stage, stageIndex);
      const label = str(data.label);
      const round = num(data.round) ?? 1;
      const names = calls.map((c) => (c.sample > 0 ? `${c.model}#${c.sample}` : c.model));
      return `stage ${stage}${round > 1 ? ` round ${round}` : ''}${label && label !== stage ? ` (${label})` : ''} started${names.length ? `: ${names.join(', ')}` : ''}`;
    }
    case 'output.delta':
      if (!row) return undefined;
      row.state = 'streaming';
      row.chars += (str(data.text) ?? str(data.delta) ?? '').length;
      row.tokens = num(data.outputTokens) ?? estimateTokens(row.chars);
      row.exact = false;
      return undefined;
    case 'output.retrying':
      if (!row) return undefined;
      // The next attempt streams the answer again from the start.
      Object.assign(row, {
        state: 'retrying',
        chars: 0,
        tokens: 0,
        exact: false,
        attempt: num(data.attempt) ?? row.attempt + 1,
      });
      return `${who} retrying (${errorText(data)})`;
    case 'output.completed': {
      if (!row) return undefined;
      const tokens = num(obj(data.usage).outputTokens) ?? num(data.outputTokens);
      Object.assign(row, { state: 'done', tokens: tokens ?? row.tokens, exact: tokens !== undefined });
      return `${who} done, ${row.exact ? '' : '~'}${row.tokens} tokens`;
    }
    case 'output.failed':
      if (!row) return undefined;
      row.state = 'failed';
      row.error = errorText(data);
      return `${who} failed: ${row.error}`;
    case 'stage.completed':
      return `stage ${stage} ${str(data.status) ?? 'completed'}`;
    case 'aggregate.completed':
      return `stage ${stage} aggregated`;
    case 'analysis.completed':
      progress.status = 'completed';
      return `analysis ${progress.analysisId} completed`;
    case 'analysis.failed': {
      progress.status = 'failed';
      const error = obj(data.error);
      progress.error = {
        code: str(error.code) ?? str(data.code) ?? 'failed',
        message: str(error.message) ?? str(data.message) ?? '',
      };
      return `analysis ${progress.analysisId} failed: ${progress.error.code}${progress.error.message ? `: ${progress.error.message}` : ''}`;
    }
    default:
      return undefined;
  }
}

/** The models a stage run calls: `calls: [{model, sample}]`, or a plain `models` list. */
function callsOf(data: Record<string, unknown>): { model: string; sample: number }[] {
  if (Array.isArray(data.calls)) {
    return data.calls.map(obj).flatMap((c) => {
      const model = str(c.model);
      return model ? [{ model, sample: num(c.sample) ?? 0 }] : [];
    });
  }
  if (Array.isArray(data.models))
    return data.models.flatMap((m) => (typeof m === 'string' ? [{ model: m, sample: 0 }] : []));
  return [];
}

/** A model keeps one line; it moves to the stage run it works on now, starting afresh there. */
function rowOf(progress: Progress, model: string, sample: number, stage: string, stageIndex?: number): ModelProgress {
  const key = sample > 0 ? `${model}#${sample}` : model;
  const fresh = {
    stage,
    stageIndex,
    state: 'waiting',
    tokens: 0,
    exact: false,
    chars: 0,
    attempt: 1,
    error: undefined,
  } as const;
  let row = progress.rows.get(key);
  if (!row) {
    row = { model, sample, ...fresh };
    progress.rows.set(key, row);
  } else if (row.stage !== stage || (stageIndex !== undefined && row.stageIndex !== stageIndex)) {
    Object.assign(row, fresh);
  }
  return row;
}
