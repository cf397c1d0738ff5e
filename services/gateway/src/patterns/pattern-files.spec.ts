import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MODELS_PER_ANALYSIS } from '@ultra/contracts';
import { ConfigValidationError } from '@ultra/platform';
import { stringify } from 'yaml';
import { PATTERN_YAML, patternDocument } from '../testing/test-patterns';
import { loadPatternFolders, loadPatterns } from './pattern-files';
import { parseYaml } from './pattern-yaml';

const limits = { maxCalls: 64, maxModels: MAX_MODELS_PER_ANALYSIS };
let root: string;

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** The lines runService would print for the error the load throws. */
function bootErrors(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
    throw error;
  }
  throw new Error('expected the load to fail');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ultra-patterns-'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadPatternFolders', () => {
  it('loads YAML, YML and JSON files by name, skipping other and dot files', () => {
    const dir = folder('p', {
      'brainstorm.yaml': PATTERN_YAML,
      'alpha.json': JSON.stringify(patternDocument({ id: 'alpha' })),
      'beta.yml': stringify(patternDocument({ id: 'beta' })),
      'README.md': '# not a pattern',
      '.gamma.yaml': 'not: [a pattern',
    });
    const loaded = loadPatternFolders([{ dir, variable: 'test' }], limits);
    expect(loaded.map((p) => p.spec.id)).toEqual(['alpha', 'beta', 'brainstorm']);
    expect(loaded[2]).toEqual({
      file: join(dir, 'brainstorm.yaml'),
      spec: expect.objectContaining({ name: 'Brainstorm' }),
    });
    // The YAML and the JSON of one document give the same pattern.
    expect(loaded[2].spec).toEqual({ ...loaded[0].spec, id: 'brainstorm' });
  });

  it('names the file and the line of a YAML syntax error', () => {
    const dir = folder('p', { 'broken.yaml': 'id: broken\nname: [unclosed\n' });
    expect(bootErrors(() => loadPatternFolders([{ dir, variable: 'ULTRA_PATTERNS_DIR' }], limits))).toEqual([
      expect.stringMatching(/^ULTRA_PATTERNS_DIR: .*broken\.yaml: line \d+, column \d+: /),
    ]);
  });

  it('names the file and the field path of every problem, across files', () => {
    const unknownVariable = patternDocument({ id: 'bad' });
    unknownVariable.stages[1] = { ...unknownVariable.stages[1], prompt: { user: '{{question}} {{secret}}' } } as never;
    const dir = folder('p', {
      'bad.yaml': stringify(unknownVariable),
      'worse.json': JSON.stringify({ ...patternDocument({ id: 'worse' }), name: '' }),
    });
    const errors = bootErrors(() => loadPatternFolders([{ dir, variable: 'test' }], limits));
    expect(errors).toEqual([
      expect.stringMatching(/bad\.yaml: stages\.1\.prompt\.user: unknown template variable \{\{secret\}\}/),
      expect.stringMatching(/worse\.json: name: /),
    ]);
  });

  it('requires the file to be named after the pattern’s id', () => {
    const dir = folder('p', { 'other.yaml': PATTERN_YAML });
    expect(bootErrors(() => loadPatternFolders([{ dir, variable: 'test' }], limits))).toEqual([
      expect.stringMatching(/other\.yaml: id: "brainstorm" must equal the file's name \("other"\)/),
    ]);
  });

  it('refuses two files with one id, within and across folders', () => {
    const builtin = folder('builtin', { 'brainstorm.yaml': PATTERN_YAML, 'brainstorm.json': PATTERN_YAML });
    const extra = folder('extra', { 'brainstorm.yml': PATTERN_YAML });
    const errors = bootErrors(() =>
      loadPatternFolders(
        [
          { dir: builtin, variable: 'built-in patterns' },
          { dir: extra, variable: 'ULTRA_PATTERNS_DIR' },
        ],
        limits,
      ),
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /^built-in patterns: .*brainstorm\.yaml: id: pattern "brainstorm" is already defined by .*brainstorm\.json$/,
      ),
      expect.stringMatching(
        /^ULTRA_PATTERNS_DIR: .*extra.brainstorm\.yml: id: pattern "brainstorm" is already defined/,
      ),
    ]);
  });

  it('refuses a pattern over the call limit at its largest parameters', () => {
    const dir = folder('p', { 'brainstorm.yaml': PATTERN_YAML });
    expect(bootErrors(() => loadPatternFolders([{ dir, variable: 'test' }], { ...limits, maxCalls: 10 }))).toEqual([
      expect.stringMatching(/brainstorm\.yaml: stages: .*makes 25 model calls; the limit is 10/),
    ]);
  });

  it('names a folder that cannot be read', () => {
    expect(
      bootErrors(() => loadPatternFolders([{ dir: join(root, 'missing'), variable: 'ULTRA_PATTERNS_DIR' }], limits)),
    ).toEqual([expect.stringMatching(/^ULTRA_PATTERNS_DIR: cannot read the pattern folder .*missing/)]);
  });
});

describe('loadPatterns', () => {
  it('loads the built-ins, then ULTRA_PATTERNS_DIR', () => {
    const builtin = folder('builtin', { 'brainstorm.yaml': PATTERN_YAML });
    const extra = folder('extra', { 'alpha.yaml': stringify(patternDocument({ id: 'alpha' })) });
    const config = { ULTRA_PATTERNS_DIR: extra, MAX_CALLS_PER_ANALYSIS: 64 };
    expect(loadPatterns(config, builtin).map((p) => p.id)).toEqual(['brainstorm', 'alpha']);
    expect(loadPatterns({ ...config, ULTRA_PATTERNS_DIR: undefined }, builtin).map((p) => p.id)).toEqual([
      'brainstorm',
    ]);
  });

  it('loads the repository’s built-in patterns', () => {
    const ids = loadPatterns({ ULTRA_PATTERNS_DIR: undefined, MAX_CALLS_PER_ANALYSIS: 64 }).map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['confidence', 'critique', 'council', 'moa', 'direct']));
  });
});

describe('parseYaml', () => {
  it('parses YAML and JSON alike', () => {
    expect(parseYaml('a: 1\nb: [x, y]')).toEqual({ ok: true, value: { a: 1, b: ['x', 'y'] } });
    expect(parseYaml('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['an unclosed flow sequence', 'a: [1, 2\nb: 3\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab indentation', 'a:\n\t- 1\n'],
  ])('names the line of %s', (_case, text) => {
    const parsed = parseYaml(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(/^line \d+, column \d+: \S/);
  });

  it('refuses an alias explosion instead of expanding it', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ]) {
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    expect(parseYaml(rows.join('\n'))).toEqual({
      ok: false,
      message: expect.stringContaining('too many YAML aliases'),
    });
  });
});
