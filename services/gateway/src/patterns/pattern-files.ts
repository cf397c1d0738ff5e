import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { checkPattern, type PatternLimits, type PatternSpec } from '@ultra/contracts';
import { ConfigValidationError } from '@ultra/platform';
import { BUILTIN_PATTERNS_DIR, type GatewayConfig, patternLimitsOf, SERVICE_NAME } from '../config/gateway.config';

import { parseYaml } from './pattern-yaml';

/** Pattern files: one document each, named after the pattern's id. */
const PATTERN_FILE = /\.(ya?ml|json)$/i;

export interface PatternFolder {
  dir: string;
  /** What a boot error names the folder by: its variable, or the built-in folder's path. */
  variable: string;
}

export interface PatternFile {
  file: string;
  spec: PatternSpec;
}

interface Problem {
  variable: string;
  message: string;
}

/** The pattern files of a folder, by name; dot files are left out (editors' and Kubernetes' own). */
function patternFilesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => PATTERN_FILE.test(name) && !name.startsWith('.'))
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/** Reads and checks one pattern file; `problems` name the field of each, e.g. `stages.2.prompt.user: …`. */
export function readPatternFile(
  file: string,
  limits: PatternLimits,
): PatternFile | { file: string; problems: string[] } {
  const parsed = parseYaml(readFileSync(file, 'utf8'));
  if (!parsed.ok) return { file, problems: [parsed.message] };
  const checked = checkPattern(parsed.value, limits);
  if (!checked.ok) return { file, problems: checked.problems.map((p) => `${p.path}: ${p.message}`) };
  const name = basename(file, extname(file));
  if (checked.spec.id !== name) {
    return { file, problems: [`id: "${checked.spec.id}" must equal the file's name ("${name}")`] };
  }
  return { file, spec: checked.spec };
}

/**
 * Loads every pattern file of the folders, in order. Any bad file, or two files with one id, stops the service
 * with a ConfigValidationError naming each file and field, which runService prints and exits 78 on.
 */
export function loadPatternFolders(folders: readonly PatternFolder[], limits: PatternLimits): PatternFile[] {
  const loaded: PatternFile[] = [];
  const problems: Problem[] = [];
  const fileOf = new Map<string, string>();
  for (const { dir, variable } of folders) {
    let files: string[];
    try {
      files = patternFilesOf(dir);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      problems.push({ variable, message: `cannot read the pattern folder ${dir}: ${cause}` });
      continue;
    }
    for (const file of files) {
      const read = readPatternFile(file, limits);
      if (!('spec' in read)) {
        problems.push(...read.problems.map((message) => ({ variable, message: `${file}: ${message}` })));
        continue;
      }
      const other = fileOf.get(read.spec.id);
      if (other !== undefined) {
        problems.push({ variable, message: `${file}: id: pattern "${read.spec.id}" is already defined by ${other}` });
        continue;
      }
      fileOf.set(read.spec.id, file);
      loaded.push(read);
    }
  }
  if (problems.length) throw new ConfigValidationError(SERVICE_NAME, problems);
  return loaded;
}

/** The built-in patterns (config/patterns), then those of ULTRA_PATTERNS_DIR. */
export function loadPatterns(
  config: Pick<GatewayConfig, 'ULTRA_PATTERNS_DIR' | 'MAX_CALLS_PER_ANALYSIS'>,
  builtinDir = BUILTIN_PATTERNS_DIR,
): PatternSpec[] {
  const folders: PatternFolder[] = [{ dir: builtinDir, variable: 'built-in patterns' }];
  if (config.ULTRA_PATTERNS_DIR) folders.push({ dir: config.ULTRA_PATTERNS_DIR, variable: 'ULTRA_PATTERNS_DIR' });
  return loadPatternFolders(folders, patternLimitsOf(config)).map((p) => p.spec);
}
