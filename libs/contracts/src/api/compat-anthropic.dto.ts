import { z } from 'zod';

/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens` as Ultra reads them: Anthropic's request, loosely
 * (fields Ultra ignores pass through; the gateway refuses by name those it cannot honour). Content blocks are only
 * told apart by `type` here; the gateway reads the kinds it supports and refuses the others by their path.
 */
export const anthropicBlockSchema = z.object({ type: z.string() }).loose();
export type AnthropicBlock = z.infer<typeof anthropicBlockSchema>;

export const anthropicContentSchema = z.union([z.string(), z.array(anthropicBlockSchema)]);

export const anthropicMessageSchema = z
  .object({
    role: z.enum(['user', 'assistant'], { error: 'role must be "user" or "assistant"' }),
    content: anthropicContentSchema,
  })
  .loose();
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

/** A custom tool has no `type` (or `custom`); server tools (`web_search_…`, `bash_…`) name theirs. */
export const anthropicToolSchema = z
  .object({
    type: z.string().nullish(),
    name: z.string().min(1).max(128),
    description: z.string().max(8_000).optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

export const anthropicToolChoiceSchema = z
  .object({ type: z.enum(['auto', 'any', 'none', 'tool']), name: z.string().min(1).max(128).optional() })
  .loose()
  .refine((choice) => choice.type !== 'tool' || choice.name !== undefined, {
    message: 'a tool_choice of type "tool" names the tool',
    path: ['name'],
  });

const anthropicFields = {
  model: z.string({ error: 'model is required' }).min(1).max(300),
  messages: z.array(anthropicMessageSchema, { error: 'messages must be an array of messages' }).min(1).max(10_000),
  system: z.union([z.string(), z.array(anthropicBlockSchema)]).optional(),
  tools: z.array(anthropicToolSchema).max(128).optional(),
  tool_choice: anthropicToolChoiceSchema.optional(),
  /** Extended thinking: accepted and ignored (the panel's stages stream as thinking anyway). */
  thinking: z.object({ type: z.string() }).loose().optional(),
  /** `metadata.ultra` holds the Ultra extension object where a client cannot add a top-level field. */
  metadata: z.object({ ultra: z.unknown().optional() }).loose().nullish(),
  ultra: z.unknown().optional(),
};

export const anthropicMessagesRequestSchema = z
  .object({
    ...anthropicFields,
    max_tokens: z.number({ error: 'max_tokens is required' }).int().min(1).max(200_000),
    temperature: z.number().min(0).max(1).nullish(),
    stream: z.boolean().nullish(),
    top_p: z.number().nullish(),
    top_k: z.number().nullish(),
    stop_sequences: z.array(z.string()).nullish(),
  })
  .loose();
export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;

export const anthropicCountTokensRequestSchema = z.object(anthropicFields).loose();
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensRequestSchema>;
