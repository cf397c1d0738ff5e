import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './compose-config-variables';

interface Rule {
  regex: RegExp;
  exclude: boolean;
}

function globToRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * `.dockerignore` as Docker applies it to the build context: the last matching rule wins, `!` re-includes, and a
 * rule matching a folder covers everything under it.
 */
export function dockerignore(text = readFileSync(resolve(REPO_ROOT, '.dockerignore'), 'utf8')) {
  const rules: Rule[] = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      const pattern = (exclude ? line : line.slice(1)).replace(/^\/+/, '').replace(/\/+$/, '');
      return { regex: globToRegex(pattern), exclude };
    });
  return {
    /** Whether a path (relative to the context, with /) stays out of the build context. */
    excludes(path: string): boolean {
      const parts = path.split('/');
      const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      let excluded = false;
      for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = rule.exclude;
      return excluded;
    },
  };
}

/** The npm workspaces of the root package.json (`apps/*`, …) as folders holding a package.json. */
export function workspaceFolders(): string[] {
  const { workspaces } = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  return workspaces.flatMap((glob) => {
    const parent = glob.replace(/\/\*$/, '');
    return readdirSync(resolve(REPO_ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .filter((entry) => existsSync(resolve(REPO_ROOT, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
}
