import {
  type AggregatorName,
  type ChatMessage,
  type GenerateStageSpec,
  type RunOutput,
  templateVariables,
} from '@ultra/contracts';
import { renderAggregate } from '../aggregates/aggregators';
import { conversationTurns, systemMessage, takesConversation } from './conversation-turns';
import { documentsText, withDocuments } from './documents-block';
import { historyText, withHistory } from './history-block';
import { PeerLabels } from './peer-labels';
import { aggregateOf, type AnalysisState, keyOf, outputsOfPrev, outputsOfStage, stageOf } from './run-state';

/** The call a prompt is rendered for: which stage and round, seen by which participant. */
export interface RenderTarget {
  stage: GenerateStageSpec;
  /** Index the run will have: references see only the runs before it. */
  index: number;
  round: number;
  rounds: number;
  /** The participant's key (model id, or `model#n` for its sample n). */
  viewer: string;
}

const NO_PEERS = '(No other model answered.)';
const NO_OWN = '(You gave no answer in that stage.)';

/** Outputs a `<ref>` of a template means at this point: a stage id, or `prev`. */
function outputsOf(state: AnalysisState, ref: string, before: number): RunOutput[] {
  return ref === 'prev' ? outputsOfPrev(state, before) : outputsOfStage(state, ref, before);
}

function variablesOf(stage: GenerateStageSpec): string[] {
  return [...templateVariables(stage.prompt.system ?? ''), ...templateVariables(stage.prompt.user)];
}

/**
 * The letters a viewer sees in a stage's prompt: over every output its sections show (so a letter means the same
 * model in each section), leaving the viewer out unless an `all.` section shows its own answer among the others.
 * Aggregates call this with the same runs to read a reviewer's letters back.
 */
export function labelsFor(state: AnalysisState, stage: GenerateStageSpec, viewer: string, before: number) {
  const keys = new Set<string>();
  let showsOwn = false;
  for (const variable of variablesOf(stage)) {
    const [kind, ref] = variable.split('.');
    if ((kind !== 'others' && kind !== 'all') || !ref) continue;
    showsOwn ||= kind === 'all';
    for (const output of outputsOf(state, ref, before)) keys.add(keyOf(output));
  }
  if (!showsOwn) keys.delete(viewer);
  return new PeerLabels(state.analysisId, viewer, keys);
}

function responses(outputs: RunOutput[], labels: PeerLabels): string {
  const shown = outputs
    .map((o) => ({ letter: labels.letterOf(keyOf(o)) ?? '?', text: (o.text ?? '').trim() }))
    .sort((a, b) => a.letter.length - b.letter.length || a.letter.localeCompare(b.letter));
  if (shown.length === 0) return NO_PEERS;
  return shown.map((r) => `### Response ${r.letter}\n${r.text}`).join('\n\n');
}

/** Renders one call's messages: each `{{variable}}` replaced, nothing left unfilled. */
export function renderMessages(state: AnalysisState, target: RenderTarget): ChatMessage[] {
  const labels = labelsFor(state, target.stage, target.viewer, target.index);
  const value = (variable: string): string => {
    const [kind, ref] = variable.split('.');
    switch (kind) {
      case 'question':
        return state.spec.prompt;
      case 'history':
        return historyText(state.spec);
      case 'documents':
        return documentsText(state.spec);
      case 'round':
        return String(target.round);
      case 'rounds':
        return String(target.rounds);
      case 'params':
        return String(state.spec.params[ref] ?? '');
      case 'own': {
        const own = outputsOf(state, ref, target.index).find((o) => keyOf(o) === target.viewer);
        return own?.text?.trim() ?? NO_OWN;
      }
      case 'others':
        return responses(
          outputsOf(state, ref, target.index).filter((o) => keyOf(o) !== target.viewer),
          labels,
        );
      case 'all':
        return responses(outputsOf(state, ref, target.index), labels);
      case 'aggregate':
        return aggregateText(state, ref, labels, target.viewer);
      default:
        throw new Error(`unknown template variable {{${variable}}}`);
    }
  };
  const fill = (template: string) => template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, name: string) => value(name));
  const { stage } = target;
  // The caller's own instructions are appended as they are, never filled: they are not a template.
  const system = systemMessage(stage.prompt.system ? fill(stage.prompt.system) : undefined, state.spec);
  if (takesConversation(stage, state.spec)) return [...system, ...conversationTurns(stage, state.spec)];
  const messages: ChatMessage[] = [...system, { role: 'user', content: fill(stage.prompt.user) }];
  // Documents come first, then the conversation, so the question is still the last thing the model reads.
  return withDocuments(withHistory(messages, stage, state.spec), stage, state.spec);
}

function aggregateText(state: AnalysisState, ref: string, labels: PeerLabels, viewer: string): string {
  const stage = stageOf(state, ref);
  const result = aggregateOf(state, ref);
  if (stage?.kind !== 'aggregate' || !result) return '(No result.)';
  const labelOf = (key: string) => {
    const letter = labels.letterOf(key);
    if (letter) return `Response ${letter}`;
    return key === viewer ? 'your own answer' : 'a response not shown here';
  };
  return renderAggregate(stage.use satisfies AggregatorName, result, labelOf);
}
