import {
  type AnalysisSpec,
  type ChatMessage,
  type GenerateStageSpec,
  type PatternSpec,
  templateVariables,
} from '@ultra/contracts';

/**
 * Attached documents (docs/patterns.md, "Documents"). A template places them with `{{documents}}`. A pattern that
 * places them nowhere, the built-ins included, gets them as a "Documents" block at the start of the user message of
 * each stage that answers the question from scratch: it uses `{{question}}` and no earlier stage's output. Later
 * stages build on those answers, so the documents' tokens are paid once per model rather than once per stage.
 */

/** Each document under its name, its chosen chunks in order ("[…]" where text was left out); empty without any. */
export function documentsText(spec: AnalysisSpec): string {
  const documents = spec.documents ?? [];
  return documents
    .map((d) => {
      const note = d.truncated ? ' (excerpts: the passages most relevant to the question)' : '';
      const body = d.text.trim() || '(No passage of this document fit the token budget.)';
      return `### ${d.name}${note}\n\n${body}`;
    })
    .join('\n\n');
}

const variablesOf = (stage: GenerateStageSpec): string[] => [
  ...templateVariables(stage.prompt.system ?? ''),
  ...templateVariables(stage.prompt.user),
];

/** Output references: `own.x`, `others.x`, `all.x`, `aggregate.x`. */
const REFERENCE = /^(own|others|all|aggregate)\./;

function placesDocuments(pattern: PatternSpec): boolean {
  return pattern.stages.some((stage) => stage.kind === 'generate' && variablesOf(stage).includes('documents'));
}

/** Whether the renderer adds the documents block to this stage's prompt (see above). */
export function getsDocumentsBlock(pattern: PatternSpec, stage: GenerateStageSpec): boolean {
  const variables = variablesOf(stage);
  return variables.includes('question') && !variables.some((v) => REFERENCE.test(v)) && !placesDocuments(pattern);
}

/** The rendered messages with the documents block first in the user message, where the stage gets it. */
export function withDocuments(messages: ChatMessage[], stage: GenerateStageSpec, spec: AnalysisSpec): ChatMessage[] {
  const text = documentsText(spec);
  if (!text || !getsDocumentsBlock(spec.patternSpec, stage)) return messages;
  const block = `## Documents\n\nUse these documents where they bear on the question.\n\n${text}\n\n`;
  return messages.map((message) =>
    message.role === 'user' ? { ...message, content: `${block}${message.content}` } : message,
  );
}
