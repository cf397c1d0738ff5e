import { ApiErrorCode, type ChatMessage, type HistoryExchange } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';

/** The analysis a conversation stands for: the question, the exchanges before it, and the turns as they are. */
export interface MappedConversation {
  prompt: string;
  /** Earlier user → assistant exchanges, oldest first (for stages that see the conversation as history). */
  history: HistoryExchange[];
  /** Whether the turns hold anything history cannot show: tool calls, tool results, a trailing assistant turn. */
  needsTurns: boolean;
}

/**
 * The question is the last user turn's text; each earlier user turn (consecutive ones joined) paired with the
 * assistant's text after it is one exchange of history. Tool turns are left out of the history: only a `direct`
 * call (which gets the turns themselves) can use them.
 */
export function mapConversation(messages: readonly ChatMessage[]): MappedConversation {
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  if (lastUser < 0) {
    throw new ApiException(ApiErrorCode.ValidationFailed, 'messages must hold at least one user message', [
      { path: 'messages', message: 'no message has the role user' },
    ]);
  }
  const history: HistoryExchange[] = [];
  let question: string[] = [];
  for (const message of messages.slice(0, lastUser)) {
    if (message.role === 'user') {
      question.push(message.content);
    } else if (message.role === 'assistant' && message.content.trim() && question.length) {
      history.push({ prompt: question.join('\n\n'), answer: message.content });
      question = [];
    }
  }
  // User turns the assistant never answered belong to the question.
  const prompt = [...question, messages[lastUser].content].join('\n\n');
  const needsTurns = messages.some((m, i) => m.role === 'tool' || m.toolCalls?.length || i > lastUser);
  return { prompt, history, needsTurns };
}
