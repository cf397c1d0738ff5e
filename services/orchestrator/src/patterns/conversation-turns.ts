import type { AnalysisSpec, ChatMessage, GenerateStageSpec } from '@ultra/contracts';
import { documentsText, getsDocumentsBlock } from './documents-block';

/**
 * A client's own conversation, system instructions and tools (the OpenAI/Anthropic-compatible API; docs/patterns.md,
 * "Conversation, system instructions and tools"). The caller's instructions join every call's system message after
 * the stage's own. A stage whose user prompt is exactly `{{question}}` — the answer the client talks to — gets the
 * conversation as real turns (tool calls and results included) instead of the rendered question; every other stage
 * renders as before and sees the earlier turns as `history`, which the gateway fills from the conversation.
 */

const QUESTION_ONLY = /^\{\{\s*question\s*\}\}$/;

/** Whether this stage sends the client's conversation as turns. */
export function takesConversation(stage: GenerateStageSpec, spec: AnalysisSpec): boolean {
  return Boolean(spec.conversation?.length) && QUESTION_ONLY.test(stage.prompt.user.trim());
}

/** The one system message: the stage's rendered system prompt, then the caller's instructions (blank: none). */
export function systemMessage(stageSystem: string | undefined, spec: AnalysisSpec): ChatMessage[] {
  const caller = spec.system?.trim() ? spec.system : undefined;
  if (stageSystem === undefined && caller === undefined) return [];
  return [{ role: 'system', content: [stageSystem, caller].filter(Boolean).join('\n\n') }];
}

/**
 * The conversation's turns as call messages. System turns are left out: the gateway carries them in
 * `spec.system`, already in the system message. Documents, where the stage gets them, open the last user turn,
 * so the turns after it (a tool's result) still come last.
 */
export function conversationTurns(stage: GenerateStageSpec, spec: AnalysisSpec): ChatMessage[] {
  const turns = (spec.conversation ?? []).filter((m) => m.role !== 'system').map((m): ChatMessage => ({ ...m }));
  const documents = documentsText(spec);
  if (!documents || !getsDocumentsBlock(spec.patternSpec, stage)) return turns;
  const lastUser = turns.findLastIndex((m) => m.role === 'user');
  if (lastUser >= 0) {
    const block = `## Documents\n\nUse these documents where they bear on the question.\n\n${documents}\n\n`;
    turns[lastUser] = { ...turns[lastUser], content: `${block}${turns[lastUser].content}` };
  }
  return turns;
}
