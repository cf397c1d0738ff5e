import { InvalidArgumentError } from 'commander';

/** `a,b , c` → ['a','b','c']; repeated flags add up (`--models a --models b,c`). */
export function parseList(value: string, previous: string[] = []): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return [...previous, ...items];
}

/** `k=v` with a numeric v (pattern parameters are numbers), collected into an object. */
export function parseParam(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([A-Za-z_][\w.-]*)=(.+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected name=number, got "${value}"`);
  const number = Number(match[2]);
  if (match[2].trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`parameter ${match[1]} must be a number, got "${match[2]}"`);
  }
  return { ...previous, [match[1]]: number };
}

export function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return number;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export interface AnalyzeFlags {
  pattern?: string;
  models?: string[];
  ultra?: string;
  param?: Record<string, number>;
  cache?: boolean;
}

/** The body of `POST /api/analyze` (and of the estimate) from the flags; only what was given. */
export function analyzeBody(prompt: string, flags: AnalyzeFlags, documentIds: string[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = { prompt };
  if (flags.models) body.models = flags.models;
  if (flags.pattern) body.pattern = flags.pattern;
  if (flags.ultra) body.ultraModel = flags.ultra;
  if (flags.param && Object.keys(flags.param).length > 0) body.params = flags.param;
  if (flags.cache === false) body.cache = false;
  if (documentIds.length > 0) body.documentIds = documentIds;
  return body;
}
