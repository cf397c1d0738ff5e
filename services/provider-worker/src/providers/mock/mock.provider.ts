import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCategory, type ChatMessage } from '@ultra/contracts';
import { type LlmCallbacks, type LlmProvider, type LlmRequest, type LlmResponse, ProviderError } from '../llm-provider';
import { mockAnswer } from './mock-answers';
import { mockVoices, neutralVoice } from './mock-voices';

export interface MockSettings {
  latencyMs: number;
  failureRate: number;
  /** Full model ids (`mock:beta`) that always fail. */
  failModels: readonly string[];
  random?: () => number;
}

/** Roughly four characters per token, like the vendors' tokenizers on English text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function lastUserMessage(messages: ChatMessage[]): string {
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/**
 * The built-in mock: deterministic answers from the model, the sampling temperature and the prompt, with
 * configurable latency and failures. It needs no key and is what `npm start` and the tests use by default.
 *
 * It answers in the shape the stage declares (`request.output`), never by reading the prompt's headings: prose
 * for text output; for json output a `ranking` of the "### Response X" answers the prompt shows, a `vote` for one
 * of them, a `review` of 3–4 claims (some shared by every mock model on the same question, so agreement has
 * something to find), `verdicts`, or an answer with a `confidence`. mock:beta wraps its JSON in a ```json fence
 * after a sentence, and mock:delta ranks by bare letters, as real models do.
 *
 * With tools (direct analyses), it calls the first tool with arguments `{}` and no text (finish reason
 * `tool_calls`), unless the last message is a tool's result: then it answers in text that quotes the result.
 *
 * Test hook: a prompt containing `mock-confidence=<number>` (e.g. `mock-confidence=0.2`) makes `confidence`
 * answers report that number, so a test can steer a conditional stage (the cascade pattern's two paths).
 */
export class MockProvider implements LlmProvider {
  readonly id = 'mock';

  constructor(private readonly settings: MockSettings) {}

  async complete(request: LlmRequest, signal: AbortSignal, callbacks?: LlmCallbacks): Promise<LlmResponse> {
    const modelId = `mock:${request.model}`;
    if (this.settings.latencyMs > 0) {
      await sleep(this.settings.latencyMs, undefined, { signal }).catch(() => {
        throw new ProviderError(ErrorCategory.Timeout, `${modelId} did not answer before the call was aborted`);
      });
    }
    if (this.settings.failModels.includes(modelId)) {
      throw new ProviderError(ErrorCategory.ProviderUnavailable, `${modelId} is configured to fail (MOCK_FAIL_MODELS)`);
    }
    if ((this.settings.random ?? Math.random)() < this.settings.failureRate) {
      throw new ProviderError(ErrorCategory.ProviderUnavailable, `${modelId} simulated an outage (MOCK_FAILURE_RATE)`);
    }
    const tools = toolTurn(request);
    if (tools) {
      if (request.stream && tools.text) callbacks?.onDelta?.(tools.text);
      return tools;
    }
    const voice = mockVoices[request.model] ?? neutralVoice;
    const prompt = lastUserMessage(request.messages);
    // The temperature is part of the seed so that the samples of a sampled stage differ, as they would.
    const seed = `${request.model}\n${request.temperature ?? ''}\n${prompt}`;
    const text = mockAnswer(voice, seed, prompt, request.output);
    const input = request.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0);
    let output = estimateTokens(text);
    const cut = request.maxOutputTokens !== undefined && output > request.maxOutputTokens;
    if (cut) output = request.maxOutputTokens as number;
    const answer = cut ? text.slice(0, output * 4) : text;
    // Streams word by word, like a vendor's token deltas.
    if (request.stream && callbacks?.onDelta) for (const piece of answer.split(/(?<= )/)) callbacks.onDelta(piece);
    return {
      text: answer,
      usage: { inputTokens: input, outputTokens: output },
      finishReason: cut ? 'length' : 'stop',
    };
  }
}

/** The mock's deterministic tool use: a call to the first tool, or an answer about the tool's result. */
function toolTurn(request: LlmRequest): LlmResponse | undefined {
  const first = request.tools?.[0];
  if (!first) return undefined;
  const last = request.messages.at(-1);
  const input = request.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0);
  if (last?.role === 'tool') {
    const text = `The tool ${last.toolCallId ?? ''} answered: ${last.content}`.replace(/ +/g, ' ');
    return { text, usage: { inputTokens: input, outputTokens: estimateTokens(text) }, finishReason: 'stop' };
  }
  return {
    text: '',
    usage: { inputTokens: input, outputTokens: 8 },
    finishReason: 'tool_calls',
    toolCalls: [{ id: `call_mock_${first.name}`, name: first.name, arguments: '{}' }],
  };
}
