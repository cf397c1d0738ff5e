import { z } from 'zod';
import { modelIdSchema } from '../models/model-id';
import { outputSchemaNames } from './output-formats';

/**
 * A pattern is a document (JSON or YAML) checked by this schema: declared parameters and ordered stages. The
 * orchestrator interprets it; no service knows a pattern by name. docs/patterns.md explains every field.
 */

/** Pattern and stage ids: lower-case slugs, stable because stored analyses and API clients refer to them. */
export const slugSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,47}$/, 'must be a slug: a lower-case letter, then letters, digits, - or _ (≤ 48)');
export const patternIdSchema = slugSchema;
export type PatternId = string;
export const stageIdSchema = slugSchema;
export type StageId = string;

/** `$layers` or `$layers-1`: a declared parameter, optionally plus or minus a constant. */
const PARAM_REF = /^\$([a-z][a-z0-9_]*)(?:([+-])(\d{1,4}))?$/;
export const paramRefSchema = z.string().regex(PARAM_REF, 'a parameter reference looks like $name or $name-1');
/** A count or threshold: a number, or a reference to a declared parameter. */
export const numberOrParamSchema = z.union([z.number(), paramRefSchema]);
export type NumberOrParam = z.infer<typeof numberOrParamSchema>;

/** Prompts are bounded so that a pattern cannot blow up every call it makes. */
export const MAX_TEMPLATE_CHARS = 20_000;

export const paramSpecSchema = z
  .object({
    type: z.enum(['integer', 'number']),
    default: z.number(),
    min: z.number(),
    max: z.number(),
    description: z.string().max(500).default(''),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.min > p.max) ctx.addIssue({ code: 'custom', message: `min (${p.min}) is above max (${p.max})` });
    if (p.default < p.min || p.default > p.max) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: `default must lie within [${p.min}, ${p.max}]` });
    }
    if (p.type === 'integer' && ![p.default, p.min, p.max].every(Number.isInteger)) {
      ctx.addIssue({ code: 'custom', message: 'an integer parameter needs integer default, min and max' });
    }
  });
export type ParamSpec = z.infer<typeof paramSpecSchema>;

/**
 * Who takes part in a generate stage: every surviving model (`all`), the ultra model with fallback (`ultra`), an
 * explicit list (`models`), the best k of an earlier ranking aggregate (`top`), or one model sampled n times
 * (`sample`).
 */
export const participantsSchema = z.union([
  z.literal('all'),
  z.literal('ultra'),
  z.object({ models: z.array(modelIdSchema).min(1).max(16) }).strict(),
  z.object({ top: z.object({ from: stageIdSchema, k: numberOrParamSchema }).strict() }).strict(),
  z
    .object({
      sample: z
        .object({ model: z.union([z.literal('ultra'), modelIdSchema]).default('ultra'), n: numberOrParamSchema })
        .strict(),
    })
    .strict(),
]);
export type Participants = z.infer<typeof participantsSchema>;

export const outputSpecSchema = z
  .object({
    format: z.enum(['text', 'json']).default('text'),
    /** A named shape (see output-formats); json output without one only needs to be a JSON object. */
    schema: z.enum(outputSchemaNames).optional(),
  })
  .strict();
export type OutputSpec = z.infer<typeof outputSpecSchema>;

export const temperatureSchema = z.union([
  z.number().min(0).max(2),
  /** Spread over the samples of a `sample` stage: the first gets min, the last max. */
  z.object({ min: z.number().min(0).max(2), max: z.number().min(0).max(2) }).strict(),
]);

export const stageOptionsSchema = z
  .object({
    temperature: temperatureSchema.optional(),
    maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
    output: outputSpecSchema.optional(),
  })
  .strict();
export type StageOptions = z.infer<typeof stageOptionsSchema>;

export const repeatSchema = z
  .object({
    /** Rounds (or layers) of the stage; 0 skips it. Each round sees the previous one as `prev`. */
    times: numberOrParamSchema,
    /** Stop before `times` when every model's answer stays this similar to its last one, or all agree (0–1). */
    untilConverged: z.object({ similarity: numberOrParamSchema }).strict().optional(),
  })
  .strict();
export type RepeatSpec = z.infer<typeof repeatSchema>;

/** A stage runs only when a field of an earlier stage's JSON output compares as stated (cascade). */
export const conditionSchema = z
  .object({
    stage: stageIdSchema,
    field: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/),
    op: z.enum(['lt', 'lte', 'gt', 'gte', 'eq', 'ne']),
    value: z.union([numberOrParamSchema, z.string(), z.boolean()]),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

export const failurePolicySchema = z
  .object({
    /** Least completed outputs for the analysis to go on after this stage (default 1). */
    quorum: numberOrParamSchema.optional(),
    /** When every call of the stage fails, go on with the previous stage's outputs instead of failing. */
    carryForward: z.boolean().optional(),
    /** Single-model stages: try the next surviving model when the chosen one fails (default next-survivor). */
    fallback: z.enum(['next-survivor', 'none']).optional(),
  })
  .strict();
export type FailurePolicy = z.infer<typeof failurePolicySchema>;

export const promptSpecSchema = z
  .object({
    system: z.string().max(MAX_TEMPLATE_CHARS).optional(),
    user: z.string().min(1).max(MAX_TEMPLATE_CHARS),
  })
  .strict();

const stageBase = {
  id: stageIdSchema,
  label: z.string().min(1).max(100),
  description: z.string().max(1_000).optional(),
  when: conditionSchema.optional(),
};

export const generateStageSchema = z
  .object({
    ...stageBase,
    kind: z.literal('generate'),
    participants: participantsSchema,
    prompt: promptSpecSchema,
    options: stageOptionsSchema.optional(),
    repeat: repeatSchema.optional(),
    failure: failurePolicySchema.optional(),
  })
  .strict();
export type GenerateStageSpec = z.infer<typeof generateStageSchema>;

export const aggregatorNames = ['borda', 'majority', 'agreement'] as const;
export type AggregatorName = (typeof aggregatorNames)[number];

export const aggregateStageSchema = z
  .object({
    ...stageBase,
    kind: z.literal('aggregate'),
    /** A named pure function over the outputs of `from`. */
    use: z.enum(aggregatorNames),
    from: stageIdSchema,
  })
  .strict();
export type AggregateStageSpec = z.infer<typeof aggregateStageSchema>;

export const stageSpecSchema = z.discriminatedUnion('kind', [generateStageSchema, aggregateStageSchema]);
export type StageSpec = z.infer<typeof stageSpecSchema>;

/** Where a piece of `result` data comes from: an aggregate's result, or a field of a stage's JSON output. */
export const resultDataSourceSchema = z.union([
  z.object({ aggregate: stageIdSchema }).strict(),
  z.object({ stage: stageIdSchema, field: z.string().min(1).max(100).optional() }).strict(),
]);
export type ResultDataSource = z.infer<typeof resultDataSourceSchema>;

export const resultSpecSchema = z
  .object({
    /** Stages whose output is the answer, in order of preference: the first that produced one wins. */
    from: z.array(stageIdSchema).min(1),
    /** An aggregate whose `winner` names the model whose output (of `from`) is the answer (vote). */
    pick: stageIdSchema.optional(),
    /** Named data shown beside the answer as `result.<name>`, e.g. ranking, agreement, votes. */
    data: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), resultDataSourceSchema).optional(),
  })
  .strict();
export type ResultSpec = z.infer<typeof resultSpecSchema>;

export const patternSpecSchema = z
  .object({
    id: patternIdSchema,
    name: z.string().min(1).max(100),
    description: z.string().min(1).max(2_000),
    params: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), paramSpecSchema).default({}),
    stages: z.array(stageSpecSchema).min(1).max(32),
    result: resultSpecSchema.optional(),
    failure: failurePolicySchema.optional(),
  })
  .strict();
export type PatternSpec = z.infer<typeof patternSpecSchema>;
/** What a pattern document may omit; the schema fills the defaults. */
export type PatternSpecInput = z.input<typeof patternSpecSchema>;

/** Resolves a count or threshold against the analysis' parameter values. */
export function resolveNumber(value: NumberOrParam, params: Readonly<Record<string, number>>): number {
  if (typeof value === 'number') return value;
  const match = PARAM_REF.exec(value);
  if (!match) throw new Error(`invalid parameter reference ${value}`);
  const base = params[match[1]];
  if (base === undefined) throw new Error(`unknown parameter ${match[1]}`);
  const offset = match[3] ? Number(match[3]) * (match[2] === '-' ? -1 : 1) : 0;
  return base + offset;
}

/** The parameter a reference names, or undefined for a plain number. */
export function paramNameOf(value: unknown): string | undefined {
  return typeof value === 'string' ? PARAM_REF.exec(value)?.[1] : undefined;
}

/** Parameter values: the pattern's defaults overridden by the caller's. Assumes they were validated. */
export function paramValues(spec: PatternSpec, given: Readonly<Record<string, number>> = {}): Record<string, number> {
  return Object.fromEntries(Object.entries(spec.params).map(([name, p]) => [name, given[name] ?? p.default]));
}

/** The stage whose result ends the analysis by default: the last generate stage. */
export function resultStagesOf(spec: PatternSpec): string[] {
  if (spec.result) return spec.result.from;
  const last = [...spec.stages].reverse().find((s) => s.kind === 'generate');
  return last ? [last.id] : [];
}
