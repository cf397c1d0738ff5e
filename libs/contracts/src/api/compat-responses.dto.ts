import { z } from 'zod';

/**
 * `POST /v1/responses` as Ultra reads it: OpenAI's Responses request, loosely (fields Ultra ignores pass through;
 * the gateway refuses by name those it cannot honour). Only the shapes Ultra uses are checked here.
 */
const responsesPartSchema = z.object({ type: z.string(), text: z.unknown().optional() }).loose();
export const responsesContentSchema = z.union([z.string(), z.array(responsesPartSchema)]);
export type ResponsesContent = z.infer<typeof responsesContentSchema>;

/** A message of `input` (`type: 'message'` may be left out). */
export const responsesMessageItemSchema = z
  .object({
    type: z.literal('message').optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']),
    content: responsesContentSchema,
  })
  .loose();

/** A call the model made earlier, sent back with its result. */
export const responsesFunctionCallItemSchema = z
  .object({
    type: z.literal('function_call'),
    call_id: z.string().min(1).max(200),
    name: z.string().min(1).max(128),
    arguments: z.string().default(''),
  })
  .loose();

/** The result of a call, for the model to go on with. */
export const responsesFunctionCallOutputItemSchema = z
  .object({
    type: z.literal('function_call_output'),
    call_id: z.string().min(1).max(200),
    output: responsesContentSchema,
  })
  .loose();

/** Any item of `input`: checked by its kind (above) once its `type` says which. */
export const responsesInputItemSchema = z.object({ type: z.string().optional() }).loose();

/** A tool as Responses defines it: a function's name, description and parameters at the top level. */
export const responsesToolSchema = z
  .object({
    type: z.string(),
    name: z.string().min(1).max(128).optional(),
    description: z.string().max(8_000).nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
export type ResponsesTool = z.infer<typeof responsesToolSchema>;

export const responsesToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.string(), name: z.string().min(1).max(128).optional() }).loose(),
]);

export const responsesRequestSchema = z
  .object({
    model: z.string({ error: 'model is required' }).min(1).max(300),
    input: z.union([z.string().min(1), z.array(responsesInputItemSchema).min(1).max(10_000)], {
      error: 'input must be a string or an array of input items',
    }),
    instructions: z.string().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    max_output_tokens: z.number().int().min(1).max(200_000).nullish(),
    stream: z.boolean().nullish(),
    tools: z.array(responsesToolSchema).max(128).optional(),
    tool_choice: responsesToolChoiceSchema.optional(),
    previous_response_id: z.string().nullish(),
    conversation: z.unknown().optional(),
    background: z.boolean().nullish(),
    prompt: z.unknown().optional(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    store: z.boolean().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    reasoning: z.object({}).loose().nullish(),
    text: z
      .object({ format: z.object({ type: z.string() }).loose().optional() })
      .loose()
      .nullish(),
    truncation: z.enum(['auto', 'disabled']).nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    user: z.string().nullish(),
    ultra: z.unknown().optional(),
  })
  .loose();
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
