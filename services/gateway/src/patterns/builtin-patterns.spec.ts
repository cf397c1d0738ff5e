import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { checkPattern, maxCallsOf, parseModelJson, type PatternSpec, templateVariables } from '@ultra/contracts';
import { parse } from 'yaml';
import { OTHER_BUILTIN_PATTERNS, SEED_PATTERNS } from '../../../../test/support/builtin-patterns';

/**
 * The built-in patterns are Ultra's product: every file in config/patterns must be a valid pattern within the
 * default call budget, and each must keep the shape the issue and docs/patterns.md describe. Failures name the
 * file and the path inside it.
 */

const DIR = join(__dirname, '../../../../config/patterns');
const DOCS = join(__dirname, '../../../../docs/patterns.md');
const LIMITS = { maxCalls: 64, maxModels: 8 };
const SEED = SEED_PATTERNS;
const BUILTINS = [...SEED, ...OTHER_BUILTIN_PATTERNS];

interface Loaded {
  file: string;
  document: unknown;
  spec?: PatternSpec;
  problems: string[];
}

function load(file: string): Loaded {
  const problems: string[] = [];
  let document: unknown;
  try {
    document = parse(readFileSync(join(DIR, file), 'utf8'));
  } catch (error) {
    return {
      file,
      document,
      problems: [`${file}: cannot parse: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  const check = checkPattern(document, LIMITS);
  if (!check.ok) return { file, document, problems: check.problems.map((p) => `${file}: ${p.path}: ${p.message}`) };
  return { file, document, spec: check.spec, problems };
}

const files = readdirSync(DIR).filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f)));
const loaded = new Map(files.map((f) => [f, load(f)]));
const byId = new Map([...loaded.values()].flatMap((l) => (l.spec ? [[l.spec.id, l] as const] : [])));

/** Compares `actual` with the parts of it that `expected` states; arrays must match in length too. */
function mismatches(actual: unknown, expected: unknown, path: string): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    if (actual.length !== expected.length) {
      return [`${path}: expected ${expected.length} entries, got ${actual.length}`];
    }
    return expected.flatMap((e, i) => mismatches(actual[i], e, `${path}.${i}`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object')
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, e]) =>
      mismatches((actual as Record<string, unknown>)[key], e, path ? `${path}.${key}` : key),
    );
  }
  return Object.is(actual, expected)
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** The variables a stage's prompt uses, system and user together. */
function variablesOf(spec: PatternSpec, stageId: string): string[] {
  const stage = spec.stages.find((s) => s.id === stageId);
  if (stage?.kind !== 'generate') return [];
  return [...templateVariables(stage.prompt.system ?? ''), ...templateVariables(stage.prompt.user)];
}

/** Problems of one pattern: its file must hold `expected` and each listed stage must use the listed variables. */
function shapeProblems(id: string, expected: Record<string, unknown>, uses: Record<string, string[]> = {}): string[] {
  const entry = byId.get(id);
  if (!entry?.spec) return [`${id}: no valid pattern with this id`];
  const { file, spec } = entry;
  const problems = mismatches(entry.document, expected, '').map((p) => `${file}: ${p}`);
  for (const [stageId, variables] of Object.entries(uses)) {
    const index = spec.stages.findIndex((s) => s.id === stageId);
    const used = variablesOf(spec, stageId);
    for (const variable of variables) {
      if (!used.includes(variable)) problems.push(`${file}: stages.${index}.prompt: does not use {{${variable}}}`);
    }
  }
  return problems;
}

describe('built-in patterns (config/patterns)', () => {
  it.each(files)('%s is a valid pattern within 64 calls at 8 models', (file) => {
    const entry = loaded.get(file)!;
    expect(entry.problems).toEqual([]);
    expect(maxCallsOf(entry.spec!, LIMITS.maxModels)).toBeLessThanOrEqual(LIMITS.maxCalls);
  });

  it('holds all 17 built-ins, each in a file named after its id', () => {
    const problems = [...loaded.values()].flatMap(({ file, document }) => {
      const id = (document as { id?: unknown } | undefined)?.id;
      return id === basename(file, extname(file)) ? [] : [`${file}: id: is ${JSON.stringify(id)}, not the file name`];
    });
    problems.push(...BUILTINS.filter((id) => !byId.has(id)).map((id) => `${id}.yaml: missing or invalid`));
    expect(problems).toEqual([]);
  });

  it('describes every pattern, stage and parameter', () => {
    const problems = [...byId.values()].flatMap(({ file, spec }) => {
      const found: string[] = [];
      if (spec!.description.length < 120)
        found.push(`${file}: description: say what the pattern is for and when to use it`);
      spec!.stages.forEach((stage, i) => {
        if (!stage.description) found.push(`${file}: stages.${i}.description: missing`);
      });
      for (const [name, param] of Object.entries(spec!.params)) {
        if (param.description.length < 20) found.push(`${file}: params.${name}.description: missing or too short`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('asks every model for the question, and shows json stages an example that parses as their shape', () => {
    const problems = [...byId.values()].flatMap(({ file, spec }) =>
      spec!.stages.flatMap((stage, i) => {
        if (stage.kind !== 'generate') return [];
        const found: string[] = [];
        if (!variablesOf(spec!, stage.id).includes('question'))
          found.push(`${file}: stages.${i}.prompt: does not use {{question}}`);
        const output = stage.options?.output;
        if (output?.format === 'json' && output.schema) {
          const example = parseModelJson(stage.prompt.user, output.schema);
          if (!example.ok) found.push(`${file}: stages.${i}.prompt.user: the JSON example: ${example.error}`);
        }
        return found;
      }),
    );
    expect(problems).toEqual([]);
  });

  it.each(SEED)('%s has the four seed stages initial → meta → hyper → ultra', (id) => {
    const spec = byId.get(id)?.spec;
    const generate = spec?.stages.filter((s) => s.kind === 'generate') ?? [];
    const problems =
      generate.map((s) => s.id).join(',') === 'initial,meta,hyper,ultra'
        ? []
        : [`${id}.yaml: stages: generate stages are ${generate.map((s) => s.id).join(', ') || 'missing'}`];
    problems.push(
      ...shapeProblems(
        id,
        {},
        {
          initial: ['question'],
          meta: ['own.initial', 'others.initial'],
          hyper: ['own.initial', 'own.meta', 'others.meta'],
          ultra: ['all.hyper'],
        },
      ),
    );
    const participants = Object.fromEntries(generate.map((s) => [s.id, s.participants]));
    const expected = { initial: 'all', meta: 'all', hyper: 'all', ultra: 'ultra' };
    problems.push(...mismatches(participants, expected, '').map((p) => `${id}.yaml: participants of ${p}`));
    expect(problems).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, Record<string, string[]>?]>([
    [
      'confidence',
      {
        stages: [
          { id: 'initial' },
          { id: 'meta', options: { output: { format: 'json', schema: 'review' } } },
          { id: 'agreement', kind: 'aggregate', use: 'agreement', from: 'meta' },
          { id: 'hyper' },
          { id: 'ultra' },
        ],
        result: { from: ['ultra'], data: { agreement: { aggregate: 'agreement' } } },
      },
      { ultra: ['aggregate.agreement'] },
    ],
    [
      'fact_check',
      {
        stages: [{}, {}, {}, { id: 'ultra', options: { output: { format: 'json', schema: 'verdicts' } } }],
        result: { from: ['ultra'], data: { verdicts: { stage: 'ultra', field: 'claims' } } },
      },
    ],
    [
      'council',
      {
        stages: [
          { id: 'answer', kind: 'generate', participants: 'all' },
          {
            id: 'rank',
            kind: 'generate',
            participants: 'all',
            options: { output: { format: 'json', schema: 'ranking' } },
          },
          { id: 'tally', kind: 'aggregate', use: 'borda', from: 'rank' },
          { id: 'chair', kind: 'generate', participants: 'ultra' },
        ],
        result: { from: ['chair'], data: { ranking: { aggregate: 'tally' } } },
      },
      { answer: ['question'], rank: ['others.answer'], chair: ['all.answer', 'aggregate.tally'] },
    ],
    [
      'moa',
      {
        params: { layers: { type: 'integer', default: 2, min: 1, max: 4 } },
        stages: [
          { id: 'propose', participants: 'all' },
          { id: 'refine', participants: 'all', repeat: { times: '$layers-1' } },
          { id: 'final', participants: 'ultra' },
        ],
      },
      { propose: ['question'], refine: ['all.prev'], final: ['all.prev'] },
    ],
    [
      'debate',
      {
        params: {
          rounds: { type: 'integer', default: 3, min: 1, max: 5 },
          convergence: { type: 'number', default: 0.9 },
        },
        stages: [
          { id: 'opening', participants: 'all' },
          {
            id: 'debate',
            participants: 'all',
            repeat: { times: '$rounds', untilConverged: { similarity: '$convergence' } },
          },
          { id: 'judge', participants: 'ultra' },
        ],
      },
      { debate: ['own.prev', 'others.prev'], judge: ['all.prev'] },
    ],
    [
      'self_moa',
      {
        params: { samples: { type: 'integer', default: 4, min: 2, max: 8 } },
        stages: [
          {
            id: 'samples',
            participants: { sample: { model: 'ultra', n: '$samples' } },
            options: { temperature: { min: 0.3, max: 1.1 } },
          },
          { id: 'synthesis', participants: 'ultra' },
        ],
      },
      { synthesis: ['all.samples'] },
    ],
    [
      'vote',
      {
        stages: [
          { id: 'answer', kind: 'generate', participants: 'all' },
          {
            id: 'ballot',
            kind: 'generate',
            participants: 'all',
            options: { output: { format: 'json', schema: 'vote' } },
          },
          { id: 'tally', kind: 'aggregate', use: 'majority', from: 'ballot' },
        ],
        result: { from: ['answer'], pick: 'tally', data: { votes: { aggregate: 'tally' } } },
      },
      { ballot: ['others.answer'] },
    ],
    [
      'cascade',
      {
        params: { threshold: { type: 'number', default: 0.7, min: 0, max: 1 } },
        stages: [
          { id: 'first', participants: 'ultra', options: { output: { format: 'json', schema: 'confidence' } } },
          ...['initial', 'meta', 'hyper'].map((id) => ({
            id,
            participants: 'all',
            when: { stage: 'first', field: 'confidence', op: 'lt', value: '$threshold' },
          })),
          {
            id: 'ultra',
            participants: 'ultra',
            when: { stage: 'first', field: 'confidence', op: 'lt', value: '$threshold' },
          },
        ],
        result: { from: ['ultra', 'first'] },
      },
      { meta: ['own.initial', 'others.initial'], hyper: ['own.meta', 'others.meta'], ultra: ['all.hyper'] },
    ],
    [
      'direct',
      { stages: [{ id: 'answer', kind: 'generate', participants: 'ultra', prompt: { user: '{{question}}' } }] },
    ],
  ])('%s has its distinctive shape', (...[id, expected, uses]) => {
    expect(shapeProblems(id, expected, uses)).toEqual([]);
  });

  it('are described in docs/patterns.md, with council in full as the worked example', () => {
    const docs = readFileSync(DOCS, 'utf8');
    const problems = BUILTINS.filter((id) => !docs.includes(`| \`${id}\` |`)).map(
      (id) => `docs/patterns.md: the built-ins table has no row for ${id}`,
    );
    const example = /## Worked example: council[\s\S]*?````yaml\n([\s\S]*?)````/.exec(docs)?.[1];
    if (example !== readFileSync(join(DIR, 'council.yaml'), 'utf8')) {
      problems.push('docs/patterns.md: the worked example is not config/patterns/council.yaml as it is');
    }
    expect(problems).toEqual([]);
  });
});
