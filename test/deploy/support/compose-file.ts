import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './compose-config-variables';

export interface ComposeHealthcheck {
  test: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

export interface ComposeService {
  image?: string;
  build?: { context: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  env_file?: (string | { path: string; required?: boolean })[] | string;
  volumes?: string[];
  ports?: string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: Record<string, { condition: string }> | string[];
  deploy?: { replicas?: number };
  restart?: string;
  read_only?: boolean;
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** A compose file as compose reads it: YAML with merge keys (`<<: *anchor`), which compose supports. */
export function readCompose(path: string): ComposeFile {
  return parse(readFileSync(resolve(REPO_ROOT, path), 'utf8'), { merge: true }) as ComposeFile;
}

export class MissingVariableError extends Error {}

/**
 * Compose's interpolation of one value: `${VAR}`, `${VAR:-default}`, `${VAR:?message}` (an error naming VAR when it
 * is unset or empty) and `$$`. Enough to evaluate this repository's compose files.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g,
    (match, ...groups) => {
      const [name, operator, operand] = groups as [string | undefined, string | undefined, string | undefined];
      if (match === '$$') return '$';
      const set = name ? env[name] : undefined;
      if (set) return set;
      if (operator === '?') throw new MissingVariableError(`${name}: ${operand}`);
      return operator === '-' ? (operand ?? '') : '';
    },
  );
}

/** Seconds of a compose duration such as `15s`, `2m` or `1m30s`. */
export function durationSeconds(value: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value) throw new Error(`not a duration: ${value}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

/** The services' command as a list. */
export function commandOf(service: ComposeService): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/) : command;
}

/** A service's environment with every value as compose passes it (a string). */
export function environmentOf(service: ComposeService, env: Record<string, string | undefined>) {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), env)]),
  );
}
