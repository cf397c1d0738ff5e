import type { PatternSpec } from '@ultra/contracts';

/** A parameter as the form edits it: numbers stay text until saved, so a half-typed one is not lost. */
export interface ParamRow {
  name: string;
  type: 'integer' | 'number';
  default: string;
  min: string;
  max: string;
  description: string;
}

/** A stage as the form sees it; fields the form has no control for (repeat, options, when…) ride along untouched. */
export interface DraftStage {
  id: string;
  label: string;
  kind: 'generate' | 'aggregate';
  participants?: unknown;
  prompt?: { system?: string; user: string };
  use?: string;
  from?: string;
  [field: string]: unknown;
}

export interface PatternDraft {
  id: string;
  name: string;
  description: string;
  params: ParamRow[];
  stages: DraftStage[];
  /** The rest of the document (result, failure), kept as it was. */
  rest: Record<string, unknown>;
}

export const newStage = (n: number): DraftStage => ({
  id: `stage-${n}`,
  label: `Stage ${n}`,
  kind: 'generate',
  participants: 'all',
  prompt: { user: '{{question}}' },
});

export const emptyDraft = (): PatternDraft => ({
  id: '',
  name: '',
  description: '',
  params: [],
  stages: [newStage(1)],
  rest: {},
});

/** A scalar of the document as form text; anything else (a mistake the API will name) as empty. */
const textOf = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

export function omit<T extends Record<string, unknown>>(value: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k))) as T;
}

/** The form's view of a document: GET /api/patterns/:id's spec, or anything the YAML held. */
export function draftOf(spec: PatternSpec | Record<string, unknown>): PatternDraft {
  const { id, name, description, params, stages, ...rest } = spec as Record<string, unknown>;
  const paramEntries = Object.entries((params ?? {}) as Record<string, Record<string, unknown>>);
  return {
    id: textOf(id),
    name: textOf(name),
    description: textOf(description),
    params: paramEntries.map(([paramName, p]) => ({
      name: paramName,
      type: p.type === 'number' ? 'number' : 'integer',
      default: textOf(p.default),
      min: textOf(p.min),
      max: textOf(p.max),
      description: textOf(p.description),
    })),
    stages: Array.isArray(stages) ? (stages as DraftStage[]) : [],
    rest,
  };
}

/** Text that is a number becomes one; anything else is sent as typed, for the API to name the field. */
const numberOr = (text: string): number | string =>
  text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;

/** The pattern document the API takes (POST /api/patterns, PUT /api/patterns/:id). */
export function documentOf(draft: PatternDraft): Record<string, unknown> {
  const params = Object.fromEntries(
    draft.params.map((p) => [
      p.name,
      {
        type: p.type,
        default: numberOr(p.default),
        min: numberOr(p.min),
        max: numberOr(p.max),
        ...(p.description && { description: p.description }),
      },
    ]),
  );
  return {
    id: draft.id,
    name: draft.name,
    description: draft.description,
    ...(draft.params.length > 0 && { params }),
    stages: draft.stages,
    ...draft.rest,
  };
}

/** A built-in (or any pattern) as the start of a new one of the user's: a fresh id and name. */
export function copyOf(spec: PatternSpec): PatternDraft {
  const draft = draftOf(spec);
  return { ...draft, id: `${spec.id}-copy`.slice(0, 48), name: `${spec.name} (copy)`.slice(0, 100) };
}

/** Switching a stage's kind drops the other kind's fields, which the API's strict schema would refuse. */
export function withKind(stage: DraftStage, kind: DraftStage['kind']): DraftStage {
  const common = omit(stage, ['participants', 'prompt', 'use', 'from', 'options', 'repeat', 'failure']);
  return kind === 'generate'
    ? { ...common, kind, participants: 'all', prompt: { user: '{{question}}' } }
    : { ...common, kind, use: 'borda', from: '' };
}
