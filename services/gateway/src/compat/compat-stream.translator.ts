import {
  type AnalysisSpec,
  type PushEvent,
  PushEventType,
  resultStagesOf,
  roundsOf,
  type ToolCall,
} from '@ultra/contracts';
import type { CompatAnswer } from './compat-request';

/** What every compatible stream is made of, whichever vendor's frames carry it. */
export type CompatEvent =
  /** A new section of the panel's work begins: a stage as one anonymised model saw it. */
  | { kind: 'reasoning_start'; label: string }
  | { kind: 'reasoning'; text: string }
  /** The final answer's text, as the answering model writes it. */
  | { kind: 'content'; text: string }
  | { kind: 'done'; answer: CompatAnswer }
  | { kind: 'failed'; error: { code: string; message: string } };

interface OutputState {
  key: string;
  label: string;
  buffer: string;
  done: boolean;
  shown: boolean;
}

const keyOf = (e: { stageIndex: number; model: string; sample: number }) => `${e.stageIndex}:${e.model}:${e.sample}`;

/** Provider finish reasons (`end_turn`, `MAX_TOKENS`, `tool_use`…) in the four words clients understand. */
export function finishReasonOf(raw: unknown, toolCalls: readonly ToolCall[]): CompatAnswer['finishReason'] {
  if (toolCalls.length) return 'tool_calls';
  const reason = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (reason.includes('length') || reason.includes('max_tokens')) return 'length';
  if (reason.includes('content_filter') || reason.includes('safety')) return 'content_filter';
  return 'stop';
}

/**
 * Turns an analysis' push events into a compatible stream. The final answer's tokens are content: those of a
 * result stage run by a single call in its last round. Everything else is reasoning, in sections labelled with the
 * stage and an anonymised model ("Model A"): outputs that stream at the same time would interleave, so one output
 * holds the floor and streams live while the others wait in a buffer until it ends.
 */
export class CompatStreamTranslator {
  private readonly resultStages: ReadonlySet<string>;
  private readonly letters = new Map<string, string>();
  private readonly outputs = new Map<string, OutputState>();
  private floor: OutputState | undefined;
  private contentKey: string | undefined;
  private contentSent = '';
  private readonly usage = { inputTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: 0 };

  constructor(
    private readonly analysisId: string,
    private readonly spec: AnalysisSpec,
    private readonly showStages: boolean,
  ) {
    this.resultStages = new Set(resultStagesOf(spec.patternSpec));
  }

  /** The text sent as content so far. */
  get content(): string {
    return this.contentSent;
  }

  translate(event: PushEvent): CompatEvent[] {
    switch (event.type) {
      case PushEventType.StageStarted:
        this.contentKey = this.isAnswerRun(event) ? keyOf({ ...event, ...event.calls[0] }) : this.contentKey;
        for (const call of event.calls) {
          const key = keyOf({ stageIndex: event.stageIndex, ...call });
          if (key !== this.contentKey) this.outputs.set(key, this.stateOf(key, event.label, call));
        }
        return [];
      case PushEventType.OutputDelta:
        return this.delta(keyOf(event), event.text);
      case PushEventType.OutputRetrying:
        return this.retrying(keyOf(event));
      case PushEventType.OutputFailed:
        return this.ended(keyOf(event), `\n\n(failed: ${event.category}: ${event.message})`);
      case PushEventType.OutputCompleted:
        if (this.answersEarly(keyOf(event))) return this.answered(event);
        return this.ended(keyOf(event), '');
      case PushEventType.StageCompleted:
        for (const output of event.outputs) this.add(output.usage);
        return this.flushStage(event.stageIndex);
      case PushEventType.AnalysisCompleted:
        return this.completed(event.result);
      case PushEventType.AnalysisFailed:
        return [{ kind: 'failed', error: event.error }];
      default:
        return [];
    }
  }

  /**
   * A one-stage pattern (`direct`) has its answer once that stage's one call completed: its client need not wait
   * while results stores the end (the analysis completes in the store moments later).
   */
  private answersEarly(key: string): boolean {
    return key === this.contentKey && this.spec.patternSpec.stages.length === 1;
  }

  private answered(event: Extract<PushEvent, { type: 'output.completed' }>): CompatEvent[] {
    if (event.usage) this.add(event.usage);
    const toolCalls = event.toolCalls ?? [];
    return [{ kind: 'done', answer: this.answerOf(this.contentSent, toolCalls, event.finishReason) }];
  }

  private answerOf(text: string, toolCalls: ToolCall[], finishReason: unknown): CompatAnswer {
    return {
      analysisId: this.analysisId,
      pattern: this.spec.pattern,
      models: this.spec.models,
      text,
      toolCalls,
      finishReason: finishReasonOf(finishReason, toolCalls),
      usage: { ...this.usage, costUsd: Number(this.usage.costUsd.toFixed(8)) },
    };
  }

  private isAnswerRun(event: Extract<PushEvent, { type: 'stage.started' }>): boolean {
    if (event.kind !== 'generate' || event.calls.length !== 1 || !this.resultStages.has(event.stage)) return false;
    const stage = this.spec.patternSpec.stages.find((s) => s.id === event.stage);
    return stage?.kind === 'generate' && event.round >= roundsOf(stage, this.spec.params);
  }

  private stateOf(key: string, stageLabel: string, call: { model: string; sample: number }): OutputState {
    let letter = this.letters.get(call.model);
    if (!letter) {
      letter = String.fromCharCode(65 + (this.letters.size % 26));
      this.letters.set(call.model, letter);
    }
    const sample = call.sample > 0 ? ` (sample ${call.sample + 1})` : '';
    return { key, label: `${stageLabel} · Model ${letter}${sample}`, buffer: '', done: false, shown: false };
  }

  private delta(key: string, text: string): CompatEvent[] {
    if (key === this.contentKey) {
      this.contentSent += text;
      return [{ kind: 'content', text }];
    }
    const output = this.outputs.get(key);
    if (!output || !this.showStages) return [];
    if (!this.floor) return this.take(output, text);
    if (this.floor === output) return [{ kind: 'reasoning', text }];
    output.buffer += text;
    return [];
  }

  private retrying(key: string): CompatEvent[] {
    const output = this.outputs.get(key);
    if (!output || !this.showStages) return [];
    if (this.floor === output) return [{ kind: 'reasoning', text: '\n\n(retrying…)\n\n' }];
    output.buffer = '';
    return [];
  }

  private ended(key: string, note: string): CompatEvent[] {
    const output = this.outputs.get(key);
    if (!output || !this.showStages) return [];
    output.done = true;
    if (this.floor === output) {
      this.floor = undefined;
      return [...(note ? [{ kind: 'reasoning' as const, text: note }] : []), ...this.next()];
    }
    output.buffer += note;
    return this.floor ? [] : this.next();
  }

  /** The next output that has something to show takes the floor; those that already ended are shown whole. */
  private next(): CompatEvent[] {
    const events: CompatEvent[] = [];
    for (const output of this.outputs.values()) {
      if (output.shown || (!output.buffer && !output.done)) continue;
      events.push(...this.take(output, ''));
      if (!output.done) return events;
      this.floor = undefined;
    }
    return events;
  }

  private take(output: OutputState, text: string): CompatEvent[] {
    this.floor = output;
    output.shown = true;
    const body = output.buffer + text;
    output.buffer = '';
    return [
      { kind: 'reasoning_start', label: output.label },
      ...(body ? [{ kind: 'reasoning' as const, text: body }] : []),
    ];
  }

  /** Every output of the run has ended by now: whatever of them is still waiting is shown. */
  private flushStage(stageIndex: number): CompatEvent[] {
    if (!this.showStages) return [];
    const prefix = `${stageIndex}:`;
    for (const output of this.outputs.values()) if (output.key.startsWith(prefix)) output.done = true;
    if (this.floor?.key.startsWith(prefix)) this.floor = undefined;
    return this.floor ? [] : this.next();
  }

  private add(usage: { inputTokens: number; outputTokens: number; reasoningTokens?: number; costUsd?: number }) {
    this.usage.inputTokens += usage.inputTokens;
    this.usage.outputTokens += usage.outputTokens;
    this.usage.reasoningTokens += usage.reasoningTokens ?? 0;
    this.usage.costUsd += usage.costUsd ?? 0;
  }

  private completed(result: Extract<PushEvent, { type: 'analysis.completed' }>['result']): CompatEvent[] {
    const text = result?.text ?? '';
    const toolCalls = Array.isArray(result?.toolCalls) ? result.toolCalls : [];
    const events: CompatEvent[] = [];
    // Whatever of the answer did not stream (a multi-call final stage, or none at all) comes now, in one piece.
    if (text.startsWith(this.contentSent) && text.length > this.contentSent.length) {
      events.push({ kind: 'content', text: text.slice(this.contentSent.length) });
      this.contentSent = text;
    }
    const answer = this.answerOf(text, toolCalls, result?.finishReason);
    return [...events, { kind: 'done', answer }];
  }
}
