import { z } from 'zod';
import { AnalysisStatus } from '../analyses/status';
import { modelIdSchema } from '../models/model-id';
import { patternIdSchema } from '../patterns/pattern-spec';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Longest `q` accepted: a search, not a document. */
export const MAX_SEARCH_CHARS = 500;

const DAY_MS = 86_400_000;
const statuses = Object.values(AnalysisStatus);

/** Fastify turns a repeated query parameter into an array; each of these is read once. */
const once = (field: string) => z.string({ error: `${field} must be given once` });

/** `completed` or `queued,running`: each a known status, duplicates dropped. */
const statusList = once('status').transform((value, ctx) => {
  const listed = value.split(',').map((s) => s.trim());
  const unknown = listed.filter((s) => !statuses.includes(s as AnalysisStatus));
  if (listed.length === 0 || unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `status must be one or more of ${statuses.join(', ')}, separated by commas (got ${JSON.stringify(value)})`,
    });
    return z.NEVER;
  }
  return [...new Set(listed)] as AnalysisStatus[];
});

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * An ISO 8601 date (the whole day, UTC) or date-time with a zone, as the half-open interval [start, end) it covers:
 * a date-time covers its millisecond (created_at is stored to the millisecond), so `to` is inclusive either way.
 */
const instant = (field: 'from' | 'to') =>
  once(field).transform((value, ctx) => {
    if (isoDate.safeParse(value).success) {
      const start = new Date(`${value}T00:00:00.000Z`);
      return { start, end: new Date(start.getTime() + DAY_MS) };
    }
    const at = isoDateTime.safeParse(value).success ? new Date(value) : null;
    if (!at || Number.isNaN(at.getTime())) {
      ctx.addIssue({
        code: 'custom',
        message: `${field} must be an ISO 8601 date (2025-01-31) or date-time with a zone (2025-01-31T12:00:00Z)`,
      });
      return z.NEVER;
    }
    return { start: at, end: new Date(at.getTime() + 1) };
  });

/**
 * Query of `GET /api/analyses` (and of results' internal listing): paging and filters. Every field arrives as a
 * string; the parsed value is typed. `from` and `to` bound created_at, both inclusive.
 */
export const analysisListQuerySchema = z
  .object({
    limit: once('limit')
      .pipe(
        z.coerce
          .number<string>({ error: 'limit must be a number' })
          .int('limit must be an integer')
          .min(1, 'limit must be at least 1')
          .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`),
      )
      .default(DEFAULT_PAGE_SIZE)
      .meta({ description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` }),
    cursor: once('cursor').meta({ description: '`nextCursor` of the previous page (same filters).' }).optional(),
    status: statusList
      .meta({ description: 'One status, or several separated by commas: `queued,running`.' })
      .optional(),
    pattern: once('pattern').pipe(patternIdSchema).meta({ description: 'A pattern id, e.g. `critique`.' }).optional(),
    model: once('model').pipe(modelIdSchema).meta({ description: 'Analyses that include this model.' }).optional(),
    from: instant('from')
      .meta({
        description: 'Created at or after: an ISO 8601 date (`2025-01-31`, from 00:00 UTC) or date-time with a zone.',
      })
      .optional(),
    to: instant('to')
      .meta({ description: 'Created at or before: an ISO 8601 date (the whole day, UTC) or date-time with a zone.' })
      .optional(),
    q: once('q')
      .trim()
      .min(1, 'q must not be empty')
      .max(MAX_SEARCH_CHARS, `q must be at most ${MAX_SEARCH_CHARS} characters`)
      // Postgres text cannot hold U+0000: refused here rather than by the database.
      .refine((q) => !q.includes('\u0000'), 'q must not contain NUL characters (U+0000)')
      .meta({ description: 'Words in the prompt or the final answer: `"a phrase"`, `or`, `-word` (full-text search).' })
      .optional(),
  })
  .superRefine(({ from, to }, ctx) => {
    if (from && to && from.start >= to.end) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
    }
  });
export type AnalysisListQuery = z.output<typeof analysisListQuerySchema>;

/** The query parameters of the listing, e.g. to pass them on unchanged. */
export const analysisListParams = Object.keys(analysisListQuerySchema.shape) as (keyof AnalysisListQuery)[];

/** The filters of a listing, in the form results applies them: created_at in [from, to). */
export interface AnalysisFilters {
  status?: AnalysisStatus[];
  pattern?: string;
  model?: string;
  from?: Date;
  to?: Date;
  q?: string;
}

export function filtersOf(query: AnalysisListQuery): AnalysisFilters {
  return {
    ...(query.status && { status: query.status }),
    ...(query.pattern && { pattern: query.pattern }),
    ...(query.model && { model: query.model }),
    ...(query.from && { from: query.from.start }),
    ...(query.to && { to: query.to.end }),
    ...(query.q && { q: query.q }),
  };
}

/** Query of `DELETE /api/analyses/:id`: `cancel=1` cancels an analysis that has not ended, then deletes it. */
export const analysisDeleteQuerySchema = z.object({
  cancel: z
    .enum(['1', '0', 'true', 'false'], { error: 'cancel must be 1 or 0' })
    .optional()
    .transform((value) => value === '1' || value === 'true'),
});

export const ExportFormat = { Json: 'json', Markdown: 'markdown', Csv: 'csv' } as const;
export type ExportFormat = (typeof ExportFormat)[keyof typeof ExportFormat];

/** Query of `GET /api/analyses/:id/export`. */
export const analysisExportQuerySchema = z.object({
  format: z
    .enum(Object.values(ExportFormat), { error: 'format must be json, markdown or csv' })
    .default(ExportFormat.Json),
});
export type AnalysisExportQuery = z.output<typeof analysisExportQuerySchema>;
