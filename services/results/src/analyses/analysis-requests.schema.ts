import {
  analysisOptionsSchema,
  analysisSpecSchema,
  type CreateAnalysisCommand,
  modelIdSchema,
  patternIdSchema,
  patternSpecSchema,
} from '@ultra/contracts';
import { z } from 'zod';
import { ApiException } from '../http/api.exception';
import { decodeCursor, type PageCursor } from './page-cursor';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Body of POST /internal/analyses. The gateway has already checked models, pattern and parameters; the pattern
 * document is parsed again here because the view reads its stages.
 */
export const createAnalysisCommandSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  requestId: z.string().min(1).max(200),
  prompt: analysisSpecSchema.shape.prompt,
  models: z
    .array(modelIdSchema)
    .min(1)
    .refine((ids) => new Set(ids).size === ids.length, 'models must not contain duplicates'),
  ultraModel: modelIdSchema,
  pattern: patternIdSchema,
  patternSpec: patternSpecSchema,
  params: analysisSpecSchema.shape.params,
  options: analysisOptionsSchema.default({}),
  sourceAnalysisId: z.uuid().nullable().default(null),
}) satisfies z.ZodType<CreateAnalysisCommand>;

const userIdQuery = z.object({ userId: z.uuid({ error: 'userId must be a uuid' }) });

const analysisIdParam = z.object({ id: z.uuid({ error: 'id must be a uuid' }) });

const listQuery = userIdQuery.extend({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be an integer')
    .min(1, 'limit must be at least 1')
    .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`)
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().optional(),
});

export interface ListAnalysesQuery {
  userId: string;
  limit: number;
  cursor: PageCursor | null;
}

/** Parses input or throws the 400 `validation_failed` that lists every problem. */
function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw ApiException.validation(`invalid ${what}`, details);
}

export function parseCreateCommand(body: unknown): CreateAnalysisCommand {
  return parse(createAnalysisCommandSchema, body, 'analysis');
}

export function parseUserId(query: unknown): string {
  return parse(userIdQuery, query, 'query').userId;
}

export function parseAnalysisId(id: string): string {
  return parse(analysisIdParam, { id }, 'path').id;
}

export function parseListQuery(query: unknown): ListAnalysesQuery {
  const { userId, limit, cursor } = parse(listQuery, query, 'query');
  if (cursor === undefined) return { userId, limit, cursor: null };
  const decoded = decodeCursor(cursor);
  if (!decoded) {
    throw ApiException.validation('invalid query', [{ path: 'cursor', message: 'cursor is not one this API issued' }]);
  }
  return { userId, limit, cursor: decoded };
}
