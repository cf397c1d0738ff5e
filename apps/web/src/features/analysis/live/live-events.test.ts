import type { AnalysisView, PushEvent } from '@ultra/contracts';
import { expect, it } from 'vitest';
import { applyEvent } from './live-events';
import { costOf, stateFromView } from './live-state';

const stamp = { analysisId: 'a1', at: '2026-01-01T00:00:00Z' };
const usage = { inputTokens: 1, outputTokens: 2, costUsd: 0.25 };
const stage = (id: string, index: number | null, status: 'pending' | 'completed', text?: string) => ({
  name: id,
  id,
  label: id.toUpperCase(),
  kind: 'generate' as const,
  index,
  round: 1,
  status,
  outputs: text ? [{ model: 'mock:alpha', sample: 0, status: 'completed' as const, text, latencyMs: 1, usage }] : [],
  usage,
});
const seeded = stateFromView({
  status: 'running',
  stages: [stage('answer', 0, 'completed', 'stored text'), stage('critique', null, 'pending')],
} as AnalysisView);
const run = (events: PushEvent[]) => events.reduce(applyEvent, seeded);
const started = (name: string, stageIndex: number): PushEvent => ({
  ...stamp,
  type: 'stage.started',
  stage: name,
  stageIndex,
  label: name.toUpperCase(),
  kind: 'generate',
  round: 1,
  calls: [{ model: 'mock:alpha', sample: 0 }],
});
const delta = (stageIndex: number, text: string): PushEvent => ({
  ...stamp,
  type: 'output.delta',
  stage: 'answer',
  stageIndex,
  model: 'mock:alpha',
  sample: 0,
  attempt: 1,
  text,
});

it('leaves a stored output alone when the stream replays it', () => {
  const state = run([started('answer', 0), delta(0, 'stored text')]);
  expect(state.stages[0].outputs[0]).toMatchObject({ text: 'stored text', phase: 'completed' });
  expect(costOf(state)).toBe(0.25);
});

it("puts a stage's first run in the place of the pending stage, and later rounds before what is pending", () => {
  const state = run([started('critique', 1), started('answer', 2)]);
  expect(state.stages.map((s) => [s.id, s.index, s.status])).toEqual([
    ['answer', 0, 'completed'],
    ['critique', 1, 'running'],
    ['answer', 2, 'running'],
  ]);
});

it('ends with the error of a failed analysis', () => {
  const error = { code: 'cancelled', message: 'cancelled by the user' };
  expect(run([{ ...stamp, type: 'analysis.failed', error }]).ended).toEqual({ status: 'failed', error });
});
