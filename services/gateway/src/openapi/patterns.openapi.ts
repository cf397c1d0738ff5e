import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { type PatternInfo, patternSpecSchema } from '@ultra/contracts';
import { z } from 'zod';
import { YAML_CONTENT_TYPES } from '../common/http-constants';
import type { PatternDocument, PatternValidation } from '../patterns/patterns.service';
import { addRoute } from './api-route';

const patternSpec = patternSpecSchema.meta({
  id: 'PatternSpec',
  description: 'A pattern document (docs/patterns.md); checked with the rules of contracts/pattern-rules.',
});

const patternInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    source: z.enum(['builtin', 'user']),
    params: z.record(
      z.string(),
      z.object({
        type: z.enum(['integer', 'number']),
        default: z.number(),
        min: z.number(),
        max: z.number(),
        description: z.string(),
      }),
    ),
    stages: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        kind: z.enum(['generate', 'aggregate']),
        description: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'PatternInfo' }) satisfies z.ZodType<PatternInfo>;

const patternDocument = z
  .object({ pattern: patternInfo, spec: patternSpec })
  .meta({ id: 'PatternDocument' }) satisfies z.ZodType<PatternDocument>;

const patternValidation = z
  .object({ valid: z.literal(true), pattern: patternSpec })
  .meta({ id: 'PatternValidation' }) satisfies z.ZodType<PatternValidation>;

/** A pattern document as JSON or as YAML (the same document, parsed into the same value). */
const patternBody = {
  'application/json': { schema: patternSpec },
  ...Object.fromEntries(YAML_CONTENT_TYPES.map((type) => [type, { schema: z.string().meta({ description: 'YAML' }) }])),
};
const tag = 'patterns';
const invalid = 'invalid_pattern' as const;

export function registerPatterns(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'get',
    path: '/api/patterns',
    tag,
    summary: "The built-in patterns, then the caller's own",
    success: { status: 200, description: 'The patterns.', schema: z.object({ patterns: z.array(patternInfo) }) },
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/patterns',
    tag,
    summary: 'Register a pattern owned by the caller',
    body: patternBody,
    success: { status: 201, description: 'Registered.', schema: patternDocument },
    errors: [invalid, 'pattern_exists'],
  });
  addRoute(registry, {
    method: 'post',
    path: '/api/patterns/validate',
    tag,
    summary: 'Check a pattern document without storing it',
    description:
      "A dry run of `POST /api/patterns` for editors: the same body and checks, answered with the same 400s, but the id's uniqueness is not checked and nothing is stored.",
    body: patternBody,
    success: {
      status: 200,
      description: 'It would be accepted; `pattern` is the normalized document.',
      schema: patternValidation,
    },
    errors: [invalid],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/patterns/{id}',
    tag,
    summary: 'A pattern (built-ins too) with its document',
    success: { status: 200, description: 'The pattern.', schema: patternDocument },
    errors: ['not_found'],
  });
  addRoute(registry, {
    method: 'put',
    path: '/api/patterns/{id}',
    tag,
    summary: "Replace one of the caller's patterns",
    description: "The body's `id` must equal the path's; changing a built-in is 409.",
    body: patternBody,
    success: { status: 200, description: 'Replaced.', schema: patternDocument },
    errors: [invalid, 'not_found', 'pattern_exists'],
  });
  addRoute(registry, {
    method: 'delete',
    path: '/api/patterns/{id}',
    tag,
    summary: "Delete one of the caller's patterns",
    success: { status: 204, description: 'Deleted.' },
    errors: ['not_found', 'pattern_exists'],
  });
}
