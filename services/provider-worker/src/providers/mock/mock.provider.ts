import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCategory, type ChatMessage } from '@ultra/contracts';
import { type LlmCallbacks, type LlmProvider, type LlmRequest, type LlmResponse, ProviderError } from '../llm-provider';
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

/** The stage a prompt belongs to, read from the orchestrator's prompt headings, so mock output can follow it. */
function stageOf(prompt: string): 'answer' | 'review' | 'revision' | 'synthesis' {
  if (prompt.includes('## Revised answers to synthesize')) return 'synthesis';
  if (prompt.includes('## Reviews')) return 'revision';
  if (prompt.includes('## Answers to review')) return 'review';
  return 'answer';
}

function topicOf(prompt: string): string {
  const question = /## Question\n([\s\S]*?)(\n## |$)/.exec(prompt)?.[1] ?? prompt;
  const oneLine = question.replace(/\s+/g, ' ').trim();
  return oneLine.length > 90 ? `${oneLine.slice(0, 87)}...` : oneLine;
}

/**
 * The built-in mock: deterministic text from the model, the stage and the prompt, with configurable latency
 * and failures. It needs no key and is what `npm start` and the tests use by default.
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
    const text = this.compose(request.model, lastUserMessage(request.messages));
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

  private compose(model: string, prompt: string): string {
    const voice = mockVoices[model] ?? neutralVoice;
    const digest = createHash('sha256').update(`${model}\n${prompt}`).digest();
    const pick = (i: number) => voice.points[digest[i] % voice.points.length];
    const [first, second] = [pick(0), pick(1) === pick(0) ? pick(2) : pick(1)];
    const topic = topicOf(prompt);
    const seen = (prompt.match(/^### Response [A-Z]/gm) ?? []).length;
    switch (stageOf(prompt)) {
      case 'answer':
        return `${voice.opening} on "${topic}": I focus on ${voice.angle}. First, ${first}. Second, ${second}. ${voice.closing}`;
      case 'review':
        return `Review of ${seen} answers on "${topic}": the strongest point is that ${first}; the weakest answers miss that ${second}. Improved answer: ${voice.opening.toLowerCase()}, ${voice.angle}. ${voice.closing}`;
      case 'revision':
        return `Revised answer on "${topic}" after ${seen} reviews: keeping ${voice.angle}, and adding that ${second}. ${voice.closing}`;
      case 'synthesis':
        return `Synthesis of ${seen} revised answers on "${topic}": the models agree that ${first}, and most add that ${second}. Where they differ, the more cautious reading is kept. ${voice.closing}`;
    }
  }
}
