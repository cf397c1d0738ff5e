import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './compose-config-variables';

export const ENTRYPOINT = resolve(REPO_ROOT, 'deploy/docker/entrypoint.sh');
export const DOCKERFILE = resolve(REPO_ROOT, 'Dockerfile');

/** What the image runs: the four services, migrations and the two command-line tools. */
export const ROLES = ['gateway', 'results', 'orchestrator', 'provider-worker', 'migrate', 'admin', 'rotate-keys'];

/** The entry script's `role) script=path ;;` lines: each role and the file (from the app root) it runs. */
export function entrypointRoles(text = readFileSync(ENTRYPOINT, 'utf8')): Map<string, string> {
  const roles = new Map<string, string>();
  for (const m of text.matchAll(/^\s*([a-z][a-z-]*)\)\s*script=(\S+)\s*;;\s*$/gm)) roles.set(m[1], m[2]);
  return roles;
}

export interface DockerInstruction {
  /** Upper-cased, e.g. FROM, RUN, COPY. */
  keyword: string;
  args: string;
  /** Index of the stage it belongs to (-1 before the first FROM). */
  stage: number;
}

/** The Dockerfile's instructions, continuation lines joined, comments and blank lines dropped. */
export function dockerInstructions(text = readFileSync(DOCKERFILE, 'utf8')): DockerInstruction[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  let stage = -1;
  return logical.map((line) => {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line) ?? ['', line, ''];
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    return { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' '), stage };
  });
}

export interface DockerStage {
  name: string;
  /** The base image, with ARG defaults declared before the first FROM substituted. */
  base: string;
  instructions: DockerInstruction[];
}

/** The build stages: each FROM with its name and resolved base image, and the instructions under it. */
export function dockerStages(instructions = dockerInstructions()): DockerStage[] {
  const globalArgs = new Map<string, string>();
  for (const i of instructions.filter((i) => i.stage === -1 && i.keyword === 'ARG')) {
    const [name, value = ''] = i.args.split('=');
    globalArgs.set(name, value);
  }
  const substitute = (value: string) =>
    value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => globalArgs.get(name) ?? `<unset ${name}>`);
  return instructions
    .filter((i) => i.keyword === 'FROM')
    .map((from) => {
      // Flags such as --platform=$BUILDPLATFORM come before the image.
      const [image, as, name] = from.args.split(' ').filter((word) => !word.startsWith('--'));
      return {
        name: as?.toUpperCase() === 'AS' ? name : String(from.stage),
        base: substitute(image),
        instructions: instructions.filter((i) => i.stage === from.stage && i !== from),
      };
    });
}

/** The value of an exec-form (`["a", "b"]`) instruction argument. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not exec form: ${args}`);
  return parsed;
}
