import type { OpenAPIRegistry, ResponseConfig, RouteConfig, ZodContentObject } from '@asteasolutions/zod-to-openapi';
import { ApiErrorCode } from '@ultra/contracts';
import { type HttpErrorCode, statusOfCode } from '@ultra/platform';
import { z } from 'zod';

/** Names of the security schemes in `components.securitySchemes`. */
export const BEARER = 'bearer';
export const STREAM_TOKEN = 'streamToken';

/** `{error:{code,message,details}}`: the body of every error answer. */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.values(ApiErrorCode) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z
        .string()
        .meta({ description: 'A sentence for people; names the model and category where one failed.' }),
      details: z
        .unknown()
        .optional()
        .meta({ description: 'e.g. `[{path, message}]` naming each bad field, or the estimate of budget_exceeded.' }),
      traceId: z
        .string()
        .optional()
        .meta({ description: "The request's trace id (W3C, 32 hex digits): quote it to find the request's trace." }),
    }),
  })
  .meta({ id: 'ApiError' });

export const idParams = z.object({ id: z.string().meta({ description: 'The id, as returned by the API.' }) });

/** One documented operation: what a feature file says about a route, in the API's own words. */
export interface ApiRoute {
  method: RouteConfig['method'];
  /** The full path as clients call it, with `{param}`s, e.g. `/api/analyses/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** No token needed (auth, health). Default: the bearer token. */
  public?: boolean;
  /** Also accepts `?token=` (a stream token) instead of the bearer token. */
  streamToken?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject | z.ZodPipe;
  headers?: z.ZodObject;
  /** A JSON body, or content by media type (YAML, multipart). */
  body?: z.ZodType | ZodContentObject;
  success: {
    status: number;
    description: string;
    schema?: z.ZodType;
    content?: ZodContentObject;
    headers?: z.ZodObject;
  };
  /** The domain error codes the route answers with besides the ones every route has; statuses come from statusOfCode. */
  errors?: HttpErrorCode[];
  /** Answers that are not `{error}` bodies, e.g. a health report with 503; they replace the generic ones. */
  responses?: Record<string, ResponseConfig>;
}

/** The IETF draft's RateLimit-* fields, on every answer to a signed-in caller (README "Tiers and limits"). */
const rateLimitHeaders = z.object({
  'RateLimit-Limit': z.number().int().meta({ description: "The tier's per-minute limit closest to being reached." }),
  'RateLimit-Remaining': z.number().int().meta({ description: 'What is left of it in the current minute.' }),
  'RateLimit-Reset': z.number().int().meta({ description: 'Seconds until the minute ends and the limit is whole.' }),
});
const retryAfterHeaders = rateLimitHeaders.extend({
  'Retry-After': z.number().int().meta({ description: 'Seconds to wait before trying again.' }),
});

function json(schema: z.ZodType): ZodContentObject {
  return { 'application/json': { schema } };
}

/** Error answers grouped by status, each listing its codes; the statuses come from the one table in platform. */
function errorResponses(route: ApiRoute): Record<string, ResponseConfig> {
  const byStatus = new Map<number, Set<string>>();
  const add = (status: number, what: string) => byStatus.set(status, (byStatus.get(status) ?? new Set()).add(what));
  for (const code of route.errors ?? []) add(statusOfCode[code], code);
  if (!route.public) add(401, `${ApiErrorCode.Unauthorized} (missing, invalid or expired token)`);
  if (!route.public) add(429, `${ApiErrorCode.RateLimited} (over a per-minute limit of the caller's tier)`);
  if (route.body) {
    add(400, `${ApiErrorCode.ValidationFailed} (the body, naming each bad field)`);
    add(413, `${ApiErrorCode.PayloadTooLarge} (the body is over the size limit)`);
    add(415, `${ApiErrorCode.ValidationFailed} (a content-type the route does not read)`);
  }
  if (route.query) add(400, `${ApiErrorCode.ValidationFailed} (the query, naming each bad parameter)`);
  add(500, ApiErrorCode.Internal);
  add(503, `${ApiErrorCode.ServiceUnavailable} (a dependency is down, or the gateway is shutting down: retry)`);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        String(status),
        {
          description: `error codes: ${[...codes].join('; ')}`,
          headers: status === 429 ? retryAfterHeaders : undefined,
          content: json(apiErrorSchema),
        },
      ]),
  );
}

function isZodType(body: z.ZodType | ZodContentObject): body is z.ZodType {
  return body instanceof z.ZodType;
}

/** Registers `route` as an OpenAPI operation with its success answer, every error answer and its security. */
export function addRoute(registry: OpenAPIRegistry, route: ApiRoute): void {
  const { success } = route;
  const security: Record<string, string[]>[] = route.public
    ? []
    : [{ [BEARER]: [] }, ...(route.streamToken ? [{ [STREAM_TOKEN]: [] }] : [])];
  registry.registerPath({
    method: route.method,
    path: route.path,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
    security,
    request: {
      params: route.params ?? (route.path.includes('{id}') ? idParams : undefined),
      query: route.query,
      headers: route.headers,
      body: route.body && {
        required: true,
        content: isZodType(route.body) ? json(route.body) : route.body,
      },
    },
    responses: {
      [String(success.status)]: {
        description: success.description,
        headers: route.public ? success.headers : (success.headers?.extend(rateLimitHeaders.shape) ?? rateLimitHeaders),
        content: success.content ?? (success.schema ? json(success.schema) : undefined),
      },
      ...errorResponses(route),
      ...route.responses,
    },
  });
}
