import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatMessage, type OutputSchemaName, roundsOf, type RunOutput, type StageRun } from '@ultra/contracts';
import { parse } from 'yaml';
import { stateOf } from '../testing/pattern-state';
import { aggregateRun } from './aggregate-run';
import { type CallPlan, nextStep } from './next-step';
import { PeerLabels } from './peer-labels';
import { renderMessages } from './prompt-renderer';
import { type AnalysisState, keyOf } from './run-state';

const dir = join(__dirname, '../../../../config/patterns');
const builtins = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as { id: string });
const flags = { cancelled: false, now: 0, deadlineAt: Number.MAX_SAFE_INTEGER };
/** Fake answers name their author by a tag, never by model id, so a leaked id can only come from a template. */
const tags = new Map<string, string>();
const tagOf = (viewer: string) => tags.get(viewer) ?? tags.set(viewer, `P${tags.size + 1}`).get(viewer)!;

/** A valid answer in the shape a stage asks for, naming the labels the prompt showed. */
function dataFor(schema: OutputSchemaName | undefined, labels: string[], confidence: number) {
  switch (schema) {
    case 'ranking':
      return { ranking: labels.map((l) => `Response ${l}`) };
    case 'vote':
      return { vote: `Response ${labels[0] ?? 'A'}`, reason: 'best' };
    case 'review':
      return { claims: [{ claim: 'the moon pulls the oceans', confidence: 'high' }] };
    case 'verdicts':
      return { answer: 'verdicts', claims: [{ claim: 'c', verdict: 'verified', confidence: 0.9 }] };
    case 'confidence':
      return { answer: 'first answer', confidence };
    default:
      return { answer: 'json answer' };
  }
}

interface Rendered {
  stage: string;
  viewer: string;
  messages: ChatMessage[];
}

/** Runs a pattern to its end with fake answers, rendering every call's prompt on the way. */
function simulate(id: string, confidence = 0.2): { state: AnalysisState; rendered: Rendered[]; end: unknown } {
  const pattern = builtins.find((b) => b.id === id)!;
  let state = stateOf(pattern as never);
  const rendered: Rendered[] = [];
  for (let guard = 0; guard < 100; guard++) {
    const step = nextStep(state, flags);
    if (step.kind === 'finish') return { state, rendered, end: step.outcome };
    let run: StageRun;
    if (step.kind === 'launch') {
      const outputs = step.calls.map((call: CallPlan): RunOutput => {
        const viewer = keyOf(call);
        const target = { stage: step.stage, index: step.index, round: step.round, rounds: step.rounds, viewer };
        const messages = renderMessages(state, target);
        rendered.push({ stage: step.stage.id, viewer, messages });
        const labels = [
          ...messages
            .map((m) => m.content)
            .join('\n')
            .matchAll(/### Response ([A-Z]+)/g),
        ].map((m) => m[1]);
        const json = call.output?.format === 'json';
        const data = json ? dataFor(call.output?.schema, [...new Set(labels)], confidence) : null;
        const text = json ? JSON.stringify(data) : `Answer ${tagOf(viewer)} to ${step.stage.id}, round ${step.round}.`;
        return { ...call, status: 'completed', text, data, dataError: null, category: null };
      });
      run = { index: step.index, stage: step.stage.id, kind: 'generate', round: step.round, outputs };
    } else if (step.kind === 'aggregate') {
      run = aggregateRun(state, step.stage, step.index);
    } else {
      run = { index: step.index, stage: step.stage.id, kind: 'skipped', round: 1, outputs: [] };
    }
    state = { ...state, runs: [...state.runs, run] };
  }
  throw new Error(`${id} did not finish`);
}

describe.each(builtins.map((b) => b.id))('built-in pattern %s', (id) => {
  const { state, rendered, end } = simulate(id);

  it('runs to a completed result', () => {
    expect(end).toMatchObject({ status: 'completed', result: { text: expect.any(String) } });
  });

  it('fills every template variable and never shows a model id', () => {
    for (const { messages } of rendered) {
      for (const m of messages) {
        expect(m.content).not.toMatch(/\{\{|\}\}/);
        expect(m.content).not.toContain('mock:');
        expect(m.content.trim().length).toBeGreaterThan(0);
      }
    }
  });

  it('renders each prompt the same way every time', () => {
    for (const r of rendered.slice(0, 6)) {
      const run = state.runs.find((x) => x.stage === r.stage)!;
      const stage = state.spec.patternSpec.stages.find((s) => s.id === r.stage)!;
      if (stage.kind !== 'generate') continue;
      const again = renderMessages(
        { ...state, runs: state.runs.slice(0, run.index) },
        { stage, index: run.index, round: run.round, rounds: roundsOf(stage, state.spec.params), viewer: r.viewer },
      );
      expect(again.map((m) => m.content.replace(/\d+$/, ''))).toEqual(
        r.messages.map((m) => m.content.replace(/\d+$/, '')),
      );
    }
  });

  it('anonymises the peers it shows as consecutive responses', () => {
    for (const { messages } of rendered) {
      const text = messages.map((m) => m.content).join('\n');
      for (const section of text.split(/\n## /)) {
        const letters = [...section.matchAll(/### Response ([A-Z]+)/g)].map((m) => m[1]);
        expect(letters).toEqual([...letters].sort());
      }
    }
  });
});

describe('the built-ins as a whole', () => {
  it('ships at least the 17 patterns of the issue', () => {
    expect(builtins.map((b) => b.id).sort()).toEqual(
      expect.arrayContaining(['cascade', 'confidence', 'council', 'critique', 'debate', 'direct', 'fact_check', 'gut']),
    );
    expect(builtins.length).toBeGreaterThanOrEqual(17);
  });

  it('council ranks anonymously and carries the ranking as data', () => {
    const { end, rendered } = simulate('council');
    expect(end).toMatchObject({ result: { data: { ranking: { ranking: expect.any(Array) } } } });
    const rank = rendered.find((r) => r.stage === 'rank' && r.viewer === 'mock:beta')!;
    expect(rank.messages.at(-1)!.content).not.toContain(`Answer ${tagOf('mock:beta')} to answer`);
    expect(rank.messages.at(-1)!.content).toContain(`Answer ${tagOf('mock:alpha')} to answer`);
  });

  it('cascade takes the quick path when the first answer is confident', () => {
    expect(simulate('cascade', 0.95).end).toMatchObject({ result: { stage: 'first', text: 'first answer' } });
    expect(simulate('cascade', 0.1).end).not.toMatchObject({ result: { stage: 'first' } });
  });

  it('shows every model of an aggregate to a reader, its own answer as its own', () => {
    const hyper = simulate('confidence').rendered.filter((r) => r.stage === 'hyper');
    expect(hyper).toHaveLength(3);
    for (const { messages } of hyper) {
      const text = messages.map((m) => m.content).join('\n');
      expect(text).toContain('your own answer');
      expect(text).not.toContain('a response not shown here');
    }
  });

  it('shuffles the peers per viewer, stably per analysis', () => {
    const keys = ['m:a', 'm:b', 'm:c', 'm:d', 'm:e', 'm:f'];
    const order = (analysis: string, viewer: string) => {
      const labels = new PeerLabels(analysis, viewer, keys);
      return keys.map((k) => labels.letterOf(k)).join('');
    };
    expect(order('x', 'm:a')).toBe(order('x', 'm:a'));
    expect(new Set(keys.map((v) => order('x', v))).size).toBeGreaterThan(1);
    expect(order('x', 'm:a')).not.toBe(order('y', 'm:a'));
  });
});
