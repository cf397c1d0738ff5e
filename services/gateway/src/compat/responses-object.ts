import { type CompatAnswer, ultraInfoOf } from './compat-request';
import type { CompatEvent } from './compat-stream.translator';
import type { ResponsesEcho } from './responses.mapper';

/*
 * OpenAI's response object and its output items, shared by the streamed and the whole answer. Ids derive from
 * the analysis id, so a response, its items and the analysis behind them can be matched up.
 */

export type ReasoningItem = { type: 'reasoning'; id: string; summary: { type: 'summary_text'; text: string }[] };
export type MessageItem = {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: { type: 'output_text'; text: string; annotations: never[] }[];
};
export type FunctionCallItem = {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed';
};
export type OutputItem = ReasoningItem | MessageItem | FunctionCallItem;

/** What every response object of one call shares: its id, time, model and the request fields it repeats. */
export interface ResponseShell {
  id: string;
  hex: string;
  createdAt: number;
  model: string;
  echo: ResponsesEcho;
}

export function responseShellOf(analysisId: string, model: string, echo: ResponsesEcho): ResponseShell {
  const hex = analysisId.replaceAll('-', '');
  return { id: `resp_${hex}`, hex, createdAt: Math.floor(Date.now() / 1000), model, echo };
}

/** A section's summary text: its stage label in bold, as OpenAI's summaries open with a bold title. */
export const sectionHeading = (label: string): string => `**${label}**\n\n`;

/** OpenAI's statuses for a finished answer: cut by the token limit or a filter, the response is incomplete. */
export function finishOf(answer: CompatAnswer) {
  if (answer.finishReason === 'length') {
    return { status: 'incomplete' as const, incomplete_details: { reason: 'max_output_tokens' } };
  }
  if (answer.finishReason === 'content_filter') {
    return { status: 'incomplete' as const, incomplete_details: { reason: 'content_filter' } };
  }
  return { status: 'completed' as const, incomplete_details: null };
}

export function functionCallItemsOf(answer: CompatAnswer, hex: string): FunctionCallItem[] {
  return answer.toolCalls.map((call, i) => ({
    type: 'function_call',
    id: `fc_${hex}_${i}`,
    call_id: call.id,
    name: call.name,
    arguments: call.arguments,
    status: 'completed',
  }));
}

/** OpenAI's response object, at any point of its life (usage and `ultra` once the answer is there). */
export function responseOf(
  shell: ResponseShell,
  state: {
    status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
    output: OutputItem[];
    answer?: CompatAnswer;
    error?: { code: string; message: string };
  },
) {
  const { answer } = state;
  return {
    id: shell.id,
    object: 'response',
    created_at: shell.createdAt,
    status: state.status,
    error: state.error ?? null,
    incomplete_details: answer ? finishOf(answer).incomplete_details : null,
    model: shell.model,
    output: state.output,
    previous_response_id: null,
    // Ultra keeps the analysis (GET /api/analyses/:id), not a Responses object to continue from.
    store: false,
    ...shell.echo,
    usage: answer ? usageOf(answer) : null,
    ...(answer && { ultra: ultraInfoOf(answer) }),
  };
}

function usageOf(answer: CompatAnswer) {
  const { inputTokens, outputTokens, reasoningTokens } = answer.usage;
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

/** The reasoning sections of a run that is not streamed: each stage label and its text, gathered as they pass. */
export async function* collectSections(
  events: AsyncGenerator<CompatEvent | null>,
  sections: string[],
): AsyncGenerator<CompatEvent | null> {
  for await (const event of events) {
    if (event?.kind === 'reasoning_start') sections.push(sectionHeading(event.label));
    else if (event?.kind === 'reasoning') {
      if (!sections.length) sections.push('');
      sections[sections.length - 1] += event.text;
    }
    yield event;
  }
}

/** The whole response of a run that is not streamed: one reasoning item (a summary per section), the answer. */
export function responseObjectOf(shell: ResponseShell, answer: CompatAnswer, sections: readonly string[]) {
  const finish = finishOf(answer);
  const output: OutputItem[] = [];
  if (sections.length) {
    const summary = sections.map((text) => ({ type: 'summary_text' as const, text }));
    output.push({ type: 'reasoning', id: `rs_${shell.hex}`, summary });
  }
  if (answer.text || !answer.toolCalls.length) {
    output.push({
      type: 'message',
      id: `msg_${shell.hex}`,
      status: finish.status,
      role: 'assistant',
      content: [{ type: 'output_text', text: answer.text, annotations: [] }],
    });
  }
  output.push(...functionCallItemsOf(answer, shell.hex));
  return responseOf(shell, { status: finish.status, output, answer });
}
