import { z } from 'zod';

/**
 * Named shapes a stage can ask its models to answer in (`options.output: {format: json, schema: <name>}`). The
 * provider-worker parses each output against its shape (leniently: code fences, text around the object), the
 * aggregators read the parsed data, and the mock provider answers in the shape the stage declares.
 */

/** "Response B" or just "B": the anonymous label of a peer's answer. */
const label = z.string().min(1).max(100);
const level = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  z.enum(['high', 'medium', 'low']),
);
/** 0–1; models also write 85 or "85%", which mean 0.85. */
const probability = z.preprocess((v) => {
  const n = typeof v === 'string' ? Number.parseFloat(v) : v;
  return typeof n === 'number' && n > 1 && n <= 100 ? n / 100 : n;
}, z.number().min(0).max(1));

export const outputSchemas = {
  /** Peers' answers from best to worst. */
  ranking: z.object({ ranking: z.array(label).min(1).max(64) }),
  /** The best other answer. */
  vote: z.object({ vote: label, reason: z.string().optional() }),
  /** The claims a model stands behind after reviewing every answer, each with its confidence. */
  review: z.object({
    claims: z
      .array(z.object({ claim: z.string().min(1).max(2_000), confidence: level }))
      .min(1)
      .max(50),
    answer: z.string().optional(),
  }),
  /** A synthesis that rules on each claim. */
  verdicts: z.object({
    answer: z.string().min(1),
    claims: z
      .array(
        z.object({
          claim: z.string().min(1).max(2_000),
          verdict: z.preprocess(
            (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
            z.enum(['verified', 'flagged', 'uncertain']),
          ),
          confidence: probability,
        }),
      )
      .max(50),
  }),
  /** An answer and how sure its author is of it (0–1). */
  confidence: z.object({ answer: z.string().min(1), confidence: probability }),
} as const;

export type OutputSchemaName = keyof typeof outputSchemas;
export const outputSchemaNames = Object.keys(outputSchemas) as [OutputSchemaName, ...OutputSchemaName[]];
export type OutputData<N extends OutputSchemaName> = z.infer<(typeof outputSchemas)[N]>;

export type ParsedOutput = { ok: true; data: Record<string, unknown> } | { ok: false; error: string };

/** Candidate JSON texts in a model's answer: fenced blocks first, then each balanced {...} span. */
function candidates(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g)) found.push(match[1].trim());
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
    if (end !== -1) found.push(text.slice(start, end + 1));
  }
  return found;
}

/** Index of the brace that closes the one at `start`, respecting strings; -1 if it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Reads the JSON object a model was asked for, tolerating code fences and prose around it, and checks it against
 * the named shape. The error says what was wrong, for the stage's per-model report.
 */
export function parseModelJson(text: string, schema?: OutputSchemaName): ParsedOutput {
  let firstProblem: string | undefined;
  for (const candidate of candidates(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    if (!schema) return { ok: true, data: value as Record<string, unknown> };
    const parsed = outputSchemas[schema].safeParse(value);
    if (parsed.success) return { ok: true, data: parsed.data };
    firstProblem ??= parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'object'}: ${i.message}`)
      .join('; ');
  }
  if (firstProblem) return { ok: false, error: `the JSON does not match the ${schema} shape: ${firstProblem}` };
  return { ok: false, error: 'no JSON object found in the answer' };
}
