import { type AnalysisSpec, patternSpecSchema, type PushEvent, PushEventType } from '@ultra/contracts';
import { type CompatEvent, CompatStreamTranslator, finishReasonOf } from './compat-stream.translator';

const analysisId = '00000000-0000-4000-8000-000000000001';
const at = '2026-11-30T00:00:00.000Z';

/** Two stages: everyone answers, then the ultra model synthesizes (the answer). */
const spec: AnalysisSpec = {
  prompt: 'q',
  models: ['mock:alpha', 'mock:beta'],
  ultraModel: 'mock:alpha',
  pattern: 'two',
  params: {},
  options: {},
  patternSpec: patternSpecSchema.parse({
    id: 'two',
    name: 'Two',
    description: 'Answers, then a synthesis.',
    stages: [
      { id: 'answers', label: 'Answers', kind: 'generate', participants: 'all', prompt: { user: '{{question}}' } },
      {
        id: 'final',
        label: 'Synthesis',
        kind: 'generate',
        participants: 'ultra',
        prompt: { user: '{{question}} {{all.answers}}' },
      },
    ],
  }),
};

const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0.001 };
const ref = (stage: string, stageIndex: number, model: string) => ({
  analysisId,
  at,
  stage,
  stageIndex,
  model,
  sample: 0,
  attempt: 1,
});
const started = (stage: string, stageIndex: number, label: string, models: string[]): PushEvent => ({
  type: PushEventType.StageStarted,
  analysisId,
  at,
  stage,
  stageIndex,
  label,
  kind: 'generate',
  round: 1,
  calls: models.map((model) => ({ model, sample: 0 })),
});
const delta = (stage: string, i: number, model: string, text: string): PushEvent => ({
  type: PushEventType.OutputDelta,
  ...ref(stage, i, model),
  text,
});
const done = (stage: string, i: number, model: string): PushEvent => ({
  type: PushEventType.OutputCompleted,
  ...ref(stage, i, model),
  usage,
});
const stageDone = (stage: string, i: number, label: string, models: string[]): PushEvent => ({
  type: PushEventType.StageCompleted,
  analysisId,
  at,
  stage,
  stageIndex: i,
  label,
  kind: 'generate',
  round: 1,
  status: 'completed',
  outputs: models.map((model) => ({ model, sample: 0, status: 'completed' as const, usage })),
});

function run(events: PushEvent[], showStages = true): CompatEvent[] {
  const translator = new CompatStreamTranslator(analysisId, spec, showStages);
  return events.flatMap((event) => translator.translate(event));
}

const reasoningText = (events: CompatEvent[]) =>
  events.map((e) => (e.kind === 'reasoning_start' ? `[${e.label}]` : e.kind === 'reasoning' ? e.text : '')).join('');

describe('CompatStreamTranslator', () => {
  const interleaved = [
    started('answers', 0, 'Answers', ['mock:alpha', 'mock:beta']),
    delta('answers', 0, 'mock:beta', 'B1 '),
    delta('answers', 0, 'mock:alpha', 'A1 '),
    delta('answers', 0, 'mock:beta', 'B2'),
    delta('answers', 0, 'mock:alpha', 'A2'),
    done('answers', 0, 'mock:alpha'),
    done('answers', 0, 'mock:beta'),
    stageDone('answers', 0, 'Answers', ['mock:alpha', 'mock:beta']),
    started('final', 1, 'Synthesis', ['mock:alpha']),
    delta('final', 1, 'mock:alpha', 'The '),
    delta('final', 1, 'mock:alpha', 'answer.'),
    done('final', 1, 'mock:alpha'),
    stageDone('final', 1, 'Synthesis', ['mock:alpha']),
    {
      type: PushEventType.AnalysisCompleted,
      analysisId,
      at,
      result: { model: 'mock:alpha', text: 'The answer.', stage: 'final' },
    },
  ] satisfies PushEvent[];

  it('never interleaves outputs that stream at once: one holds the floor, the others wait', () => {
    const events = run(interleaved);
    // The first to speak (beta, Model B by panel order) streams live; alpha's text waits and follows whole.
    expect(reasoningText(events)).toBe('[Answers · Model B]B1 B2[Answers · Model A]A1 A2');
  });

  it('streams the final single-call stage as content, after all reasoning, and ends with the summed usage', () => {
    const events = run(interleaved);
    const kinds = events.map((e) => e.kind);
    expect(kinds.lastIndexOf('reasoning')).toBeLessThan(kinds.indexOf('content'));
    expect(events.filter((e) => e.kind === 'content').map((e) => (e.kind === 'content' ? e.text : ''))).toEqual([
      'The ',
      'answer.',
    ]);
    const last = events.at(-1);
    expect(last).toMatchObject({
      kind: 'done',
      answer: {
        text: 'The answer.',
        finishReason: 'stop',
        usage: { inputTokens: 30, outputTokens: 15, costUsd: 0.003 },
      },
    });
  });

  it('shows no reasoning with showStages off, but still the content', () => {
    const events = run(interleaved, false);
    expect(events.some((e) => e.kind === 'reasoning' || e.kind === 'reasoning_start')).toBe(false);
    expect(events.filter((e) => e.kind === 'content')).toHaveLength(2);
  });

  it('sends the answer in one piece when the answering stage did not stream it', () => {
    const events = run([
      started('answers', 0, 'Answers', ['mock:alpha', 'mock:beta']),
      done('answers', 0, 'mock:alpha'),
      done('answers', 0, 'mock:beta'),
      {
        type: PushEventType.AnalysisCompleted,
        analysisId,
        at,
        result: { model: 'mock:alpha', text: 'Whole.', stage: 'final' },
      },
    ]);
    expect(events.filter((e) => e.kind === 'content')).toEqual([{ kind: 'content', text: 'Whole.' }]);
  });

  it('notes a failed output and a retry in the reasoning, and relays a failed analysis', () => {
    const events = run([
      started('answers', 0, 'Answers', ['mock:alpha', 'mock:beta']),
      delta('answers', 0, 'mock:alpha', 'partial'),
      { type: PushEventType.OutputRetrying, ...ref('answers', 0, 'mock:alpha') },
      {
        type: PushEventType.OutputFailed,
        ...ref('answers', 0, 'mock:alpha'),
        category: 'timeout',
        message: 'too slow',
      },
      {
        type: PushEventType.AnalysisFailed,
        analysisId,
        at,
        error: { code: 'quorum_not_met', message: 'none answered' },
      },
    ]);
    const text = reasoningText(events);
    expect(text).toContain('(retrying…)');
    expect(text).toContain('(failed: timeout: too slow)');
    expect(events.at(-1)).toEqual({ kind: 'failed', error: { code: 'quorum_not_met', message: 'none answered' } });
  });

  it('maps provider finish reasons to the four clients know', () => {
    expect(finishReasonOf('end_turn', [])).toBe('stop');
    expect(finishReasonOf('MAX_TOKENS', [])).toBe('length');
    expect(finishReasonOf('length', [])).toBe('length');
    expect(finishReasonOf('SAFETY', [])).toBe('content_filter');
    expect(finishReasonOf('stop', [{ id: 'c', name: 'f', arguments: '{}' }])).toBe('tool_calls');
    expect(finishReasonOf(undefined, [])).toBe('stop');
  });
});
