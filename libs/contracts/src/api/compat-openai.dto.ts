import { z } from 'zod';

/**
 * `POST /v1/chat/completions` as Ultra reads it: OpenAI's request, loosely (fields Ultra ignores pass through; the
 * gateway refuses by name those it cannot honour). Only the shapes Ultra uses are checked here.
 */
const textPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const otherPart = z.object({ type: z.string() }).loose();
export const openAiContentSchema = z.union([z.string(), z.array(z.union([textPart, otherPart]))]);

export const openAiToolCallSchema = z
  .object({
    id: z.string().min(1).max(200),
    type: z.literal('function').default('function'),
    function: z.object({ name: z.string().min(1).max(128), arguments: z.string().default('') }).loose(),
  })
  .loose();

export const openAiMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: openAiContentSchema }).loose(),
  z.object({ role: z.literal('user'), content: openAiContentSchema }).loose(),
  z
    .object({
      role: z.literal('assistant'),
      content: openAiContentSchema.nullish(),
      tool_calls: z.array(openAiToolCallSchema).optional(),
    })
    .loose(),
  z.object({ role: z.literal('tool'), content: openAiContentSchema, tool_call_id: z.string().min(1).max(200) }).loose(),
  z.object({ role: z.literal('function') }).loose(),
]);
export type OpenAiMessage = z.infer<typeof openAiMessageSchema>;

export const openAiToolSchema = z
  .object({
    type: z.string(),
    function: z
      .object({
        name: z.string().min(1).max(128),
        description: z.string().max(8_000).optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export const openAiToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1).max(128) }) }).loose(),
]);

export const chatCompletionRequestSchema = z
  .object({
    model: z.string({ error: 'model is required' }).min(1).max(300),
    messages: z.array(openAiMessageSchema, { error: 'messages must be an array of messages' }).min(1).max(10_000),
    temperature: z.number().min(0).max(2).nullish(),
    max_tokens: z.number().int().min(1).max(200_000).nullish(),
    max_completion_tokens: z.number().int().min(1).max(200_000).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
    n: z.number().int().min(1).max(128).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    tools: z.array(openAiToolSchema).max(128).optional(),
    tool_choice: openAiToolChoiceSchema.optional(),
    response_format: z.object({ type: z.string() }).loose().nullish(),
    ultra: z.unknown().optional(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
