import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { chatCompletionRequestSchema } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const tag = 'compatible-api';

/** The vendors' own error bodies: OpenAI's on the OpenAI routes, Anthropic's on /v1/messages. */
const vendorError = z
  .union([
    z.object({
      error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string() }),
    }),
    z.object({ type: z.literal('error'), error: z.object({ type: z.string(), message: z.string() }) }),
  ])
  .meta({ id: 'CompatError' });

const vendorErrors: Record<string, ResponseConfig> = Object.fromEntries(
  [
    ['400', 'invalid_request_error: validation_failed, unsupported_parameter (naming the field)'],
    ['401', 'authentication_error: a missing or bad token or API key'],
    ['403', 'permission_error: an API key without the scope'],
    ['404', 'model_not_found / not_found_error: unknown model or pattern'],
    ['413', 'the body is over the size limit'],
    ['415', 'a content-type other than JSON'],
    ['429', 'rate_limit_error (and OpenAI insufficient_quota for a spent daily budget)'],
    ['500', 'server_error / api_error'],
    ['502', 'analysis_failed: every model failed; the message names each model and category'],
    ['503', 'a dependency is down, or the gateway holds as many streams as it may: retry'],
  ].map(([status, description]) => [status, { description, content: { 'application/json': { schema: vendorError } } }]),
);

const analysisHeader = z.object({
  'x-ultra-analysis-id': z.string().meta({ description: 'The analysis behind the call (GET /api/analyses/{id}).' }),
});
const streamOrJson = (what: string) => ({
  'application/json': { schema: z.looseObject({}).meta({ description: `${what} (stream: false)` }) },
  'text/event-stream': {
    schema: z.string().meta({ description: `${what} as the vendor's stream events (stream: true)` }),
  },
});
const looseBody = (description: string) => z.looseObject({ model: z.string() }).meta({ description });
const modelParams = z.object({ id: z.string(), name: z.string() });

/** `/v1/...`: Ultra as a model, in OpenAI's and Anthropic's shapes (docs/compatible-api.md). */
export function registerCompat(registry: OpenAPIRegistry): void {
  const models = {
    method: 'get' as const,
    tag,
    success: {
      status: 200,
      description: 'OpenAI `{object:"list", data}`; Anthropic `{data, has_more}` with anthropic-version.',
    },
    responses: vendorErrors,
  };
  addRoute(registry, {
    ...models,
    path: '/v1/models',
    summary: 'Every ultra/<pattern> and every model ready for you',
    success: { ...models.success, schema: z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) }) },
  });
  addRoute(registry, { ...models, path: '/v1/models/{id}', summary: 'One model (a catalog id, or ultra%2F<pattern>)' });
  addRoute(registry, {
    ...models,
    path: '/v1/models/{id}/{name}',
    summary: 'One model whose name holds a slash, unencoded (ultra/<pattern>: id ultra, name <pattern>)',
    params: modelParams,
  });
  const run = {
    method: 'post' as const,
    tag,
    responses: vendorErrors,
  };
  addRoute(registry, {
    ...run,
    path: '/v1/chat/completions',
    summary: 'OpenAI chat completions: ultra/<pattern> runs a pattern, a catalog model runs direct',
    description:
      'The `ultra` field picks the panel ({models, ultraModel, params, options, cache, showStages}). Streaming: ' +
      'earlier stages as delta.reasoning_content, the answer as delta.content.',
    body: chatCompletionRequestSchema,
    success: {
      status: 200,
      description: 'A chat completion.',
      content: streamOrJson('chat.completion'),
      headers: analysisHeader,
    },
  });
  addRoute(registry, {
    ...run,
    path: '/v1/responses',
    summary: 'OpenAI Responses (text in and out)',
    body: looseBody('OpenAI Responses request: model, input, instructions, stream, tools, ultra.'),
    success: { status: 200, description: 'A response.', content: streamOrJson('response'), headers: analysisHeader },
  });
  addRoute(registry, {
    ...run,
    path: '/v1/messages',
    summary: 'Anthropic Messages',
    description:
      'Auth also by `x-api-key`. The panel in `metadata.ultra` or `ultra`; earlier stages as thinking blocks.',
    body: looseBody('Anthropic Messages request: model, max_tokens, system, messages, stream, tools, metadata.ultra.'),
    success: { status: 200, description: 'A message.', content: streamOrJson('message'), headers: analysisHeader },
  });
  addRoute(registry, {
    ...run,
    path: '/v1/messages/count_tokens',
    summary: 'Anthropic token count (an estimate; starts no analysis)',
    body: looseBody('As /v1/messages.'),
    success: { status: 200, description: 'The count.', schema: z.object({ input_tokens: z.number().int() }) },
  });
}
