/**
 * Tool calling in the fakes: a request that offers tools is answered with a call to the first tool, unless its last
 * message is a tool's result (then with text, as a model that got what it asked for). Deterministic, so tests can
 * assert the exact calls; a scripted reply may name its own calls (`toolCalls`) or refuse to call (`false`).
 */

/** A call a fake answers with; `arguments` is the JSON text the vendor sends (parsed for Anthropic). */
export interface FakeToolCall {
  name: string;
  arguments: string;
}

/** A tool as the fakes read it from any vendor's request. */
export interface OfferedTool {
  name: string;
  parameters: unknown;
}

/**
 * Arguments from a JSON schema's required properties: `"Paris"` for strings, 1 for numbers, true for booleans,
 * empty arrays and objects otherwise. A tool without required properties gets `{}`.
 */
export function argumentsFor(schema: unknown): string {
  const { properties, required } = (typeof schema === 'object' && schema !== null ? schema : {}) as {
    properties?: Record<string, { type?: unknown }>;
    required?: unknown;
  };
  const args: Record<string, unknown> = {};
  for (const name of Array.isArray(required) ? required : []) {
    if (typeof name !== 'string') continue;
    const type = properties?.[name]?.type;
    if (type === 'number' || type === 'integer') args[name] = 1;
    else if (type === 'boolean') args[name] = true;
    else if (type === 'array') args[name] = [];
    else if (type === 'object') args[name] = {};
    else args[name] = 'Paris';
  }
  return JSON.stringify(args);
}

/**
 * The calls to answer with, or undefined for a text answer: none offered, the conversation ends with a tool's
 * result, or the reply says `toolCalls: false`.
 */
export function toolCallsFor(
  scripted: FakeToolCall[] | false | undefined,
  tools: OfferedTool[],
  endsWithToolResult: boolean,
): FakeToolCall[] | undefined {
  if (scripted === false || tools.length === 0) return undefined;
  if (scripted) return scripted;
  if (endsWithToolResult) return undefined;
  const first = tools[0];
  return [{ name: first.name, arguments: argumentsFor(first.parameters) }];
}

/** A JSON text cut in pieces, as vendors stream a call's arguments. */
export function argumentPieces(json: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += 8) pieces.push(json.slice(i, i + 8));
  return pieces.length ? pieces : [''];
}

/** The `tools` of an OpenAI-style body (OpenAI, Mistral): `{type: 'function', function: {name, parameters}}`. */
export function openAiStyleTools(body: { tools?: unknown }): OfferedTool[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((tool: { function?: { name?: unknown; parameters?: unknown } }) =>
    typeof tool?.function?.name === 'string'
      ? [{ name: tool.function.name, parameters: tool.function.parameters }]
      : [],
  );
}

/** Whether an OpenAI-style conversation ends with a `tool` message. */
export function endsWithToolMessage(messages: unknown[]): boolean {
  const last = messages.at(-1) as { role?: unknown } | undefined;
  return last?.role === 'tool';
}
