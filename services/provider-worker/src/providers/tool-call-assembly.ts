import { ErrorCategory, type ToolCall } from '@ultra/contracts';
import { ProviderError } from './llm-provider';

/** One streamed piece of a tool call, as OpenAI-style APIs send it: `index` says which call it continues. */
export interface ToolCallDelta {
  index?: number;
  id?: string | null;
  name?: string | null;
  arguments?: string | null;
}

/**
 * Assembles streamed tool calls: the first delta of a call brings its id and name, later ones append pieces of its
 * arguments' JSON text. Vendors that send whole calls in one delta (Mistral) go through the same path.
 */
export class ToolCallAssembly {
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(delta: ToolCallDelta, fallbackIndex = this.calls.size): void {
    const index = delta.index ?? fallbackIndex;
    const call = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    // Some compatible servers repeat the name on every delta of a call; it is only ever set once.
    if (delta.name && !call.name) call.name = delta.name;
    if (delta.arguments) call.arguments += delta.arguments;
    this.calls.set(index, call);
  }

  /** The complete calls in index order; a call that never got an id or a name is the vendor's fault. */
  done(modelId: string): ToolCall[] | undefined {
    if (this.calls.size === 0) return undefined;
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => {
        if (!call.name || !call.id) {
          throw new ProviderError(
            ErrorCategory.ProviderUnavailable,
            `${modelId}: streamed tool call ${index} arrived without its ${call.name ? 'id' : 'name'}`,
          );
        }
        return { id: call.id, name: call.name, arguments: call.arguments || '{}' };
      });
  }
}

/** The JSON text a tool call's arguments travel as, from a vendor that sends them parsed (Anthropic, Google). */
export function argumentsText(input: unknown): string {
  return JSON.stringify(input ?? {});
}

/** Arguments JSON text as the object vendors that take them parsed want; text that is not an object becomes `{}`. */
export function argumentsObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
