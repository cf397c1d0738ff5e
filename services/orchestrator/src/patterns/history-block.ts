import type { AnalysisSpec, ChatMessage, GenerateStageSpec } from '@ultra/contracts';
import { templateVariables } from '@ultra/contracts';

/**
 * A follow-up's history (docs/patterns.md, "Follow-ups"): the thread's earlier exchanges, oldest first. A template
 * places it with `{{history}}`; a stage that asks the question without placing the history gets it as a
 * "Conversation so far" block at the start of its user message, so every pattern, the built-ins included, carries
 * it without an edit. A stage that does not ask the question (none of the built-ins) is left as it is.
 */

/** The exchanges as text, with a note on how many older ones were left out; empty without history. */
export function historyText(spec: AnalysisSpec): string {
  const exchanges = spec.history ?? [];
  if (!exchanges.length) return '';
  const omitted = spec.historyOmitted ?? 0;
  const note = omitted
    ? [`(${omitted} earlier exchange${omitted === 1 ? ' was' : 's were'} left out to fit the history budget.)`]
    : [];
  const turns = exchanges.map(
    (exchange, i) =>
      `### Question ${i + 1}\n${exchange.prompt.trim()}\n\n### Answer ${i + 1}\n` +
      (exchange.answer?.trim() || '(No final answer: that analysis failed.)'),
  );
  return [...note, ...turns].join('\n\n');
}

function uses(stage: GenerateStageSpec, name: string): boolean {
  return [stage.prompt.system ?? '', stage.prompt.user].some((template) => templateVariables(template).includes(name));
}

/** The rendered messages with the history block added where the stage's templates do not place it. */
export function withHistory(messages: ChatMessage[], stage: GenerateStageSpec, spec: AnalysisSpec): ChatMessage[] {
  const text = historyText(spec);
  if (!text || uses(stage, 'history') || !uses(stage, 'question')) return messages;
  const block = `## Conversation so far\n\n${text}\n\n` + '## The question below follows up this conversation\n\n';
  return messages.map((message) =>
    message.role === 'user' ? { ...message, content: `${block}${message.content}` } : message,
  );
}
