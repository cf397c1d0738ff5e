import { z } from 'zod';
import {
  type GenerateStageSpec,
  paramNameOf,
  type PatternSpec,
  patternSpecSchema,
  resolveNumber,
  type StageSpec,
} from './pattern-spec';

/**
 * What the schema alone cannot check: that every template variable, stage reference and parameter exists and
 * refers backwards, and that the pattern stays within the call budget at its largest parameters.
 */

export interface PatternProblem {
  /** Dotted path into the document, e.g. `stages.2.prompt.user`. */
  path: string;
  message: string;
}

export interface PatternLimits {
  /** Model calls one analysis may make at the pattern's largest parameters and the most models. */
  maxCalls: number;
  maxModels: number;
}

/** `{{ question }}`, `{{others.answer}}`, `{{params.layers}}`… */
const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;
export const templateVariableKinds = ['own', 'others', 'all', 'aggregate', 'params'] as const;
const PLAIN_VARIABLES = new Set(['question', 'history', 'documents', 'round', 'rounds']);
/** Each variable can expand to every model's answer: a template may use only so many, or one prompt explodes. */
export const MAX_TEMPLATE_VARIABLES = 24;

export function templateVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((m) => m[1]);
}

/** The result of checking a document: the pattern with defaults filled in, or every problem found. */
export type PatternCheck = { ok: true; spec: PatternSpec } | { ok: false; problems: PatternProblem[] };

export function checkPattern(document: unknown, limits: PatternLimits): PatternCheck {
  const parsed = patternSpecSchema.safeParse(document);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || 'pattern',
        message: i.message,
      })),
    };
  }
  const problems = patternProblems(parsed.data, limits);
  return problems.length ? { ok: false, problems } : { ok: true, spec: parsed.data };
}

export function patternProblems(spec: PatternSpec, limits: PatternLimits): PatternProblem[] {
  const problems: PatternProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const position = new Map<string, number>();
  spec.stages.forEach((stage, i) => {
    if (position.has(stage.id)) add(`stages.${i}.id`, `stage id "${stage.id}" is used twice`);
    else position.set(stage.id, i);
  });
  /** An earlier stage of the given kind, or a problem naming why not. */
  const earlier = (path: string, id: string, at: number, kind?: StageSpec['kind']): StageSpec | undefined => {
    const p = position.get(id);
    if (p === undefined) return void add(path, `stage "${id}" does not exist`);
    if (p >= at) return void add(path, `stage "${id}" does not come before this stage (references go backwards)`);
    const stage = spec.stages[p];
    if (kind && stage.kind !== kind) return void add(path, `stage "${id}" is not a ${kind} stage`);
    return stage;
  };
  const checkNumber = (path: string, value: unknown) => {
    const name = paramNameOf(value);
    if (name !== undefined && !Object.hasOwn(spec.params, name)) {
      add(path, `parameter "${name}" is not declared in params`);
    }
  };

  spec.stages.forEach((stage, i) => {
    const at = `stages.${i}`;
    if (stage.when) {
      const source = earlier(`${at}.when.stage`, stage.when.stage, i, 'generate') as GenerateStageSpec | undefined;
      if (source && source.options?.output?.format !== 'json') {
        add(`${at}.when.stage`, `stage "${source.id}" must have json output for a condition to read its fields`);
      }
      checkNumber(`${at}.when.value`, stage.when.value);
    }
    if (stage.kind === 'aggregate') {
      const source = earlier(`${at}.from`, stage.from, i, 'generate') as GenerateStageSpec | undefined;
      const needs = { borda: 'ranking', majority: 'vote', agreement: 'review' }[stage.use];
      if (source && source.options?.output?.schema !== needs) {
        add(
          `${at}.from`,
          `${stage.use} needs stage "${source.id}" to answer with output {format: json, schema: ${needs}}`,
        );
      }
      return;
    }
    checkParticipants(stage, at, i);
    if (stage.repeat) {
      checkNumber(`${at}.repeat.times`, stage.repeat.times);
      checkNumber(`${at}.repeat.untilConverged.similarity`, stage.repeat.untilConverged?.similarity);
    }
    checkNumber(`${at}.failure.quorum`, stage.failure?.quorum);
    for (const part of ['system', 'user'] as const) {
      const template = stage.prompt[part];
      if (template !== undefined) checkTemplate(template, `${at}.prompt.${part}`, stage, i);
    }
  });
  checkNumber('failure.quorum', spec.failure?.quorum);
  checkResult();
  // Counting resolves every parameter reference, so it waits until they are known to be declared.
  if (problems.length > 0) return problems;
  const calls = maxCallsOf(spec, limits.maxModels);
  if (calls > limits.maxCalls) {
    add(
      'stages',
      `at its largest parameters and ${limits.maxModels} models the pattern makes ${calls} model calls; the limit is ${limits.maxCalls}`,
    );
  }
  return problems;

  function checkParticipants(stage: GenerateStageSpec, at: string, i: number) {
    const p = stage.participants;
    if (typeof p !== 'object') return;
    if ('top' in p) {
      const source = earlier(`${at}.participants.top.from`, p.top.from, i, 'aggregate');
      if (source?.kind === 'aggregate' && source.use !== 'borda') {
        add(`${at}.participants.top.from`, `stage "${source.id}" is not a borda ranking`);
      }
      checkNumber(`${at}.participants.top.k`, p.top.k);
    }
    if ('sample' in p) checkNumber(`${at}.participants.sample.n`, p.sample.n);
  }

  function checkTemplate(template: string, path: string, stage: GenerateStageSpec, i: number) {
    const variables = templateVariables(template);
    if (variables.length > MAX_TEMPLATE_VARIABLES) {
      add(path, `a template may use at most ${MAX_TEMPLATE_VARIABLES} variables (it uses ${variables.length})`);
    }
    for (const variable of variables) {
      const [kind, ref, ...rest] = variable.split('.');
      if (rest.length === 0 && ref === undefined && PLAIN_VARIABLES.has(kind)) continue;
      if (rest.length > 0 || ref === undefined || !(templateVariableKinds as readonly string[]).includes(kind)) {
        add(path, `unknown template variable {{${variable}}}; see docs/patterns.md for the variables`);
        continue;
      }
      if (kind === 'params') {
        if (!Object.hasOwn(spec.params, ref)) add(path, `{{${variable}}}: parameter "${ref}" is not declared`);
      } else if (kind === 'aggregate') {
        earlier(path, ref, i, 'aggregate');
      } else if (ref === 'prev') {
        const hasEarlier = spec.stages.slice(0, i).some((s) => s.kind === 'generate');
        if (!hasEarlier && !stage.repeat) add(path, `{{${variable}}}: no generate stage comes before this one`);
      } else {
        earlier(path, ref, i, 'generate');
      }
    }
  }

  function checkResult() {
    const result = spec.result;
    if (!result) {
      if (!spec.stages.some((s) => s.kind === 'generate')) add('stages', 'a pattern needs at least one generate stage');
      return;
    }
    const end = spec.stages.length;
    result.from.forEach((id, j) => earlier(`result.from.${j}`, id, end, 'generate'));
    if (result.pick) {
      const pick = earlier('result.pick', result.pick, end, 'aggregate');
      if (pick?.kind === 'aggregate' && pick.use !== 'majority') add('result.pick', `stage "${pick.id}" is not a vote`);
    }
    for (const [name, source] of Object.entries(result.data ?? {})) {
      if ('aggregate' in source) earlier(`result.data.${name}.aggregate`, source.aggregate, end, 'aggregate');
      else earlier(`result.data.${name}.stage`, source.stage, end, 'generate');
    }
  }
}

/** Parameter values at their maximum: the largest run a pattern allows. */
function maxParams(spec: PatternSpec): Record<string, number> {
  return Object.fromEntries(Object.entries(spec.params).map(([name, p]) => [name, p.max]));
}

/** How many models a generate stage calls (per round) for this many models in the analysis. */
export function participantCount(stage: GenerateStageSpec, params: Record<string, number>, models: number): number {
  const p = stage.participants;
  if (p === 'all') return models;
  if (p === 'ultra') return 1;
  if ('models' in p) return p.models.length;
  if ('top' in p) return Math.max(0, Math.min(models, resolveNumber(p.top.k, params)));
  return Math.max(0, resolveNumber(p.sample.n, params));
}

export function roundsOf(stage: GenerateStageSpec, params: Record<string, number>): number {
  return stage.repeat ? Math.max(0, resolveNumber(stage.repeat.times, params)) : 1;
}

/** Model calls of one analysis, every stage running every round, with no retries or fallbacks. */
export function callsOf(spec: PatternSpec, params: Record<string, number>, models: number): number {
  return spec.stages.reduce(
    (n, s) => (s.kind === 'generate' ? n + participantCount(s, params, models) * roundsOf(s, params) : n),
    0,
  );
}

export function maxCallsOf(spec: PatternSpec, maxModels: number): number {
  return callsOf(spec, maxParams(spec), maxModels);
}

/** Checks the caller's parameter values against the pattern's declarations; problems name `params.<name>`. */
export function checkParams(spec: PatternSpec, given: unknown): PatternProblem[] {
  if (given === undefined) return [];
  const shape = z.record(z.string(), z.number()).safeParse(given);
  if (!shape.success) return [{ path: 'params', message: 'params must be an object of numbers' }];
  const problems: PatternProblem[] = [];
  for (const [name, value] of Object.entries(shape.data)) {
    const declared = spec.params[name];
    const path = `params.${name}`;
    if (!declared) {
      const known = Object.keys(spec.params);
      problems.push({
        path,
        message: `pattern "${spec.id}" has no parameter "${name}"${known.length ? `; it has ${known.join(', ')}` : ''}`,
      });
    } else if (declared.type === 'integer' && !Number.isInteger(value)) {
      problems.push({ path, message: `${name} must be an integer` });
    } else if (value < declared.min || value > declared.max) {
      problems.push({ path, message: `${name} must be between ${declared.min} and ${declared.max} (got ${value})` });
    }
  }
  return problems;
}
