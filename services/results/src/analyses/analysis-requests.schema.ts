import {
  type AnalysisFilters,
  analysisListQuerySchema,
  analysisOptionsSchema,
  analysisSpecSchema,
  callbackUrlSchema,
  type CreateAnalysisCommand,
  modelIdSchema,
  patternIdSchema,
  patternSpecSchema,
  filtersOf,
} from '@ultra/contracts';
import { z } from 'zod';
import { ValidationFailedException } from '@ultra/platform';
import { decodeCursor, type PageCursor } from './page-cursor';

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
  callbackUrl: callbackUrlSchema.nullable().default(null),
  documents: analysisSpecSchema.shape.documents,
  threadId: z.uuid().optional(),
  parentAnalysisId: z.uuid().nullable().default(null),
  history: analysisSpecSchema.shape.history,
  historyOmitted: analysisSpecSchema.shape.historyOmitted,
  system: analysisSpecSchema.shape.system,
  conversation: analysisSpecSchema.shape.conversation,
  tools: analysisSpecSchema.shape.tools,
  toolChoice: analysisSpecSchema.shape.toolChoice,
}) satisfies z.ZodType<CreateAnalysisCommand>;

const userIdQuery = z.object({ userId: z.uuid({ error: 'userId must be a uuid' }) });

const analysisIdParam = z.object({ id: z.uuid({ error: 'id must be a uuid' }) });

/**
 * What a DELETE may remove: `queued` (the gateway undoing a create it could not queue), `ended` (completed or failed:
 * the public delete) or `any` (the public delete with ?cancel=1, after the cancel).
 */
export const DeleteMode = { Queued: 'queued', Ended: 'ended', Any: 'any' } as const;
export type DeleteMode = (typeof DeleteMode)[keyof typeof DeleteMode];

const deleteQuery = userIdQuery.extend({
  mode: z.enum(Object.values(DeleteMode), { error: 'mode must be queued, ended or any' }).default(DeleteMode.Queued),
});

export interface ListAnalysesQuery {
  userId: string;
  limit: number;
  cursor: PageCursor | null;
  filters: AnalysisFilters;
}

/** Parses input or throws the 400 `validation_failed` that lists every problem. */
function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new ValidationFailedException(`invalid ${what}`, details);
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

export function parseDeleteQuery(query: unknown): { userId: string; mode: DeleteMode } {
  return parse(deleteQuery, query, 'query');
}

/** The public listing's own schema (contracts), so the gateway and results refuse the same queries alike. */
export function parseListQuery(query: unknown): ListAnalysesQuery {
  const { userId } = parse(userIdQuery, query, 'query');
  const listing = parse(analysisListQuerySchema, query, 'query');
  const filters = filtersOf(listing);
  if (listing.cursor === undefined) return { userId, limit: listing.limit, cursor: null, filters };
  const cursor = decodeCursor(listing.cursor);
  if (!cursor) {
    throw new ValidationFailedException('invalid query', [
      { path: 'cursor', message: 'cursor is not one this API issued' },
    ]);
  }
  return { userId, limit: listing.limit, cursor, filters };
}
