import fastify from 'fastify';
import fastifySwagger, { type SwaggerOptions } from '@fastify/swagger';
import { loadConfig } from '@ultra/platform';
import { z } from 'zod';
import { gatewayConfig, SERVICE_NAME } from '../config/gateway.config';
import { buildOpenApiDocument } from './openapi-document';

const document = buildOpenApiDocument(
  loadConfig(SERVICE_NAME, gatewayConfig, { DATABASE_URL: 'postgres://u@127.0.0.1/db', MAX_PROMPT_CHARS: '1234' }),
);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

// What OpenAPI 3.1 requires of the parts this document uses (a full meta-schema validator is not installed).
const parameter = z.object({
  name: z.string().min(1),
  in: z.enum(['query', 'header', 'path', 'cookie']),
  required: z.boolean().optional(),
  schema: z.record(z.string(), z.unknown()),
});
const response = z.object({ description: z.string(), content: z.record(z.string(), z.looseObject({})).optional() });
const operation = z.object({
  operationId: z.string().min(1),
  summary: z.string().min(1),
  tags: z.array(z.string()).min(1),
  parameters: z.array(parameter).optional(),
  requestBody: z.object({ content: z.record(z.string(), z.object({ schema: z.looseObject({}) })) }).optional(),
  responses: z.record(z.string().regex(/^([1-5]\d\d|default)$/), response),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
});
const openApi31 = z.object({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.object({ title: z.string().min(1), version: z.string().min(1) }),
  paths: z.record(z.string().regex(/^\//), z.partialRecord(z.enum(METHODS), operation)),
  components: z.object({
    schemas: z.record(z.string(), z.looseObject({})),
    securitySchemes: z.record(
      z.string(),
      z.looseObject({ type: z.enum(['apiKey', 'http', 'oauth2', 'openIdConnect']) }),
    ),
  }),
});

interface Operation {
  route: string;
  path: string;
  value: z.infer<typeof operation>;
}
const parsed = openApi31.safeParse(document);
const operations: Operation[] = Object.entries(parsed.data?.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item).map(([method, value]) => ({ route: `${method.toUpperCase()} ${path}`, path, value })),
);

/** Every `$ref` anywhere in the document, with where it was found. */
function refsOf(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsOf(item, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [{ at, ref: value }] : refsOf(value, `${at}/${key}`),
  );
}

function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/')], document);
}

describe('the OpenAPI document', () => {
  it('has the structure OpenAPI 3.1 requires', () => {
    expect(parsed.error?.issues).toBeUndefined();
    expect(operations.length).toBeGreaterThan(10);
  });

  it('resolves every $ref', () => {
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter(({ ref }) => !ref.startsWith('#/') || resolve(ref) === undefined)).toEqual([]);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations.map((o) => o.value.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('declares each path parameter as a required parameter, and no other', () => {
    const mismatched = operations.filter(({ path, value }) => {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (value.parameters ?? []).filter((p) => p.in === 'path');
      return (
        JSON.stringify(declared.map((p) => p.name).sort()) !== JSON.stringify(inPath) ||
        declared.some((p) => p.required !== true)
      );
    });
    expect(mismatched.map((o) => o.route)).toEqual([]);
  });

  it('gives every operation a success answer and the error shape for every error status', () => {
    for (const { route, value } of operations) {
      expect({ route, success: Object.keys(value.responses).some((s) => /^[23]/.test(s)) }).toEqual({
        route,
        success: true,
      });
      for (const [status, answer] of Object.entries(value.responses)) {
        if (!/^[45]/.test(status) || route.includes('/api/health')) continue;
        // The compatible API answers in the vendors' own error shapes (docs/compatible-api.md).
        const shape = route.includes(' /v1/') ? 'CompatError' : 'ApiError';
        expect({ route, status, schema: answer.content?.['application/json'] }).toEqual({
          route,
          status,
          schema: { schema: { $ref: `#/components/schemas/${shape}` } },
        });
      }
    }
  });

  it('names only security schemes it defines; sign-in routes and health need no token, the rest the bearer token', () => {
    const schemes = Object.keys(document.components?.securitySchemes ?? {});
    expect(schemes).toEqual(expect.arrayContaining(['bearer', 'streamToken']));
    for (const { route, value } of operations) {
      const named = (value.security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect({ route, unknown: named.filter((name) => !schemes.includes(name)) }).toEqual({ route, unknown: [] });
      const isPublic = /^[A-Z]+ \/api\/(auth\/(register|login|refresh)|health)\b/.test(route);
      expect({ route, public: named.length === 0 }).toEqual({ route, public: isPublic });
      if (!isPublic) expect({ route, status401: '401' in value.responses }).toEqual({ route, status401: true });
    }
  });

  it('is generated from the request schemas with this configuration', () => {
    const request = resolve('#/components/schemas/AnalyzeRequest') as { properties: { prompt: { maxLength: number } } };
    expect(request.properties.prompt.maxLength).toBe(1234);
    const errorCodes = resolve('#/components/schemas/ApiError/properties/error/properties/code/enum');
    expect(errorCodes).toEqual(expect.arrayContaining(['validation_failed', 'analysis_not_found']));
  });

  it('loads into @fastify/swagger (static mode) unchanged', async () => {
    const app = fastify();
    try {
      const specification = { document } as unknown as Extract<SwaggerOptions, { mode?: 'static' }>['specification'];
      await app.register(fastifySwagger, { mode: 'static', specification });
      await app.ready();
      expect(app.swagger()).toEqual(document);
    } finally {
      await app.close();
    }
  });
});
