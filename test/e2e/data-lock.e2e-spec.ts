import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/ are plain CommonJS run by `npm start`; their lock is what keeps two starts off one embedded Postgres.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { acquireDataLock, DataDirLockedError } = require('../../scripts/lib/data-lock') as {
  acquireDataLock: (dir: string, name: string) => { release: () => void };
  DataDirLockedError: new (...args: unknown[]) => Error;
};

describe('npm start’s data directory lock (scripts/lib/data-lock.js)', () => {
  const root = mkdtempSync(join(tmpdir(), 'ultra-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('takes the lock of a directory whose parent does not exist yet (a first start with EMBEDDED_PG_DIR set)', () => {
    const dir = join(root, 'not', 'yet', 'pg');
    const lock = acquireDataLock(dir, 'test');
    expect(existsSync(`${dir}.lock`)).toBe(true);
    // A second holder is refused while this process holds it; released, the lock is gone.
    expect(() => acquireDataLock(dir, 'second')).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});
