import type { PushEvent, PushEventOf } from '@ultra/contracts';
import { emptyOutput, type LiveOutput, type LiveStage, type LiveState } from './live-state';

type OutputEvent = PushEventOf<'output.delta' | 'output.completed' | 'output.failed' | 'output.retrying'>;
type StageEvent = PushEventOf<'stage.started' | 'stage.completed' | 'aggregate.completed'>;

const settled = (output: LiveOutput) => output.phase === 'completed' || output.phase === 'failed';

/** After an `output.retrying`, the next call's attempt says what happened: a higher one is a retry. */
function resolveRetry(output: LiveOutput, attempt: number): LiveOutput {
  if (output.retryingAt === undefined) return output;
  const retried = attempt > output.retryingAt;
  return {
    ...output,
    retryingAt: undefined,
    retries: output.retries + (retried ? 1 : 0),
    fellBack: output.fellBack || !retried,
  };
}

function applyToOutput(output: LiveOutput, event: OutputEvent): LiveOutput {
  // A replayed stream (a reconnect, or a stored run seeded first) repeats what a settled output already shows.
  if (settled(output)) return output;
  switch (event.type) {
    case 'output.delta': {
      const next = resolveRetry(output, event.attempt);
      const restart = output.phase === 'retrying';
      return { ...next, phase: 'streaming', text: (restart ? '' : output.text) + event.text };
    }
    case 'output.retrying':
      return {
        ...output,
        phase: 'retrying',
        text: '',
        retryingAt: event.attempt,
        retryCause: { category: event.category, message: event.message },
        breakerOpen: output.breakerOpen || event.category === 'circuit_open',
      };
    case 'output.completed':
      return { ...resolveRetry(output, event.attempt), phase: 'completed', ...(event.usage && { usage: event.usage }) };
    case 'output.failed':
      return {
        ...resolveRetry(output, event.attempt),
        phase: 'failed',
        error: { category: event.category, message: event.message },
        breakerOpen: output.breakerOpen || event.category === 'circuit_open',
      };
  }
}

function updateStage(state: LiveState, index: number, update: (stage: LiveStage) => LiveStage): LiveState {
  return { ...state, stages: state.stages.map((stage) => (stage.index === index ? update(stage) : stage)) };
}

function startStage(state: LiveState, event: PushEventOf<'stage.started'>): LiveState {
  const existing = state.stages.find((s) => s.index === event.stageIndex);
  const outputs = event.calls.map(
    ({ model, sample }) =>
      existing?.outputs.find((o) => o.model === model && o.sample === sample) ?? emptyOutput(model, sample),
  );
  const stage: LiveStage = {
    ...existing,
    index: event.stageIndex,
    id: event.stage,
    label: event.label,
    kind: event.kind,
    round: event.round,
    status: existing && existing.status !== 'running' ? existing.status : 'running',
    outputs,
  };
  if (existing) return updateStage(state, event.stageIndex, () => stage);
  // The first run of a pending stage of the pattern takes its place; further rounds go before what is pending.
  const pending = state.stages.findIndex((s) => s.index === null && s.id === event.stage);
  const stages = [...state.stages];
  if (pending >= 0) stages[pending] = stage;
  else {
    const firstPending = stages.findIndex((s) => s.index === null);
    stages.splice(firstPending < 0 ? stages.length : firstPending, 0, stage);
  }
  return { ...state, started: true, stages };
}

function onStageEvent(state: LiveState, event: StageEvent): LiveState {
  if (event.type === 'stage.started') return startStage(state, event);
  if (event.type === 'aggregate.completed') return state;
  return updateStage(state, event.stageIndex, (stage) => ({
    ...stage,
    status: event.status,
    ...(event.note !== undefined && { note: event.note }),
    // Outputs that did not stream (or whose end was missed) get their end from the stage's summary.
    outputs: stage.outputs.map((output) => {
      const summary = event.outputs.find((o) => o.model === output.model && o.sample === output.sample);
      if (!summary || settled(output)) return output;
      return {
        ...output,
        phase: summary.status,
        usage: summary.usage,
        ...(summary.error && { error: summary.error }),
        breakerOpen: output.breakerOpen || summary.error?.category === 'circuit_open',
      };
    }),
  }));
}

/** The live view after one push event; unknown or repeated events leave it as it is. */
export function applyEvent(state: LiveState, event: PushEvent): LiveState {
  switch (event.type) {
    case 'analysis.started':
      return { ...state, started: true };
    case 'stage.started':
    case 'stage.completed':
    case 'aggregate.completed':
      return onStageEvent(state, event);
    case 'output.delta':
    case 'output.retrying':
    case 'output.completed':
    case 'output.failed':
      return updateStage(state, event.stageIndex, (stage) => ({
        ...stage,
        outputs: stage.outputs.some((o) => o.model === event.model && o.sample === event.sample)
          ? stage.outputs.map((o) =>
              o.model === event.model && o.sample === event.sample ? applyToOutput(o, event) : o,
            )
          : [...stage.outputs, applyToOutput(emptyOutput(event.model, event.sample), event)],
      }));
    case 'analysis.completed':
      return { ...state, ended: { status: 'completed' } };
    case 'analysis.failed':
      return { ...state, ended: { status: 'failed', error: event.error } };
    default:
      return state;
  }
}
