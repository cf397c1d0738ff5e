import { z } from 'zod';

/**
 * Tool (function) calling, passed through for `direct` analyses only: an ensemble cannot sensibly share one
 * caller's tools. Vendor-neutral: each provider adapter maps these to its own wire format.
 */

/** A function the model may call: its name, what it does, and its parameters as a JSON Schema object. */
export const toolDefinitionSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.-]+$/, 'a tool name may hold letters, digits, _ . and - only'),
  description: z.string().max(8_000).optional(),
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
});
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;

/** `auto` (the model decides), `none`, `required` (some tool), or one named tool. */
export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ name: z.string().min(1).max(128) }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** A call the model asked for: `arguments` is the JSON text the model wrote (not parsed: it may be invalid). */
export const toolCallSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(128),
  arguments: z.string().max(1_000_000),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const MAX_TOOLS = 128;

/**
 * Providers whose adapter does not map tools (the worker fails such a call; the compatible API refuses it up
 * front with 400 unsupported_parameter). Every other provider, OpenAI-compatible servers included, takes them.
 */
export const PROVIDERS_WITHOUT_TOOLS: ReadonlySet<string> = new Set(['google']);
