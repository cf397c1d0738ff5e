// `npm run typecheck`: type-checks every package with its tests (the builds leave specs out, and Jest's swc does not
// check types), then the whole-stack tests. Part of `npm run lint`.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const projects = ['apps', 'libs', 'services', 'tools']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(dir, name, 'tsconfig.json')))
  .concat('test/tsconfig.json')
  .filter((file) => existsSync(join(root, file)));
const tsc = require.resolve('typescript/bin/tsc');
let failed = 0;
for (const project of projects) {
  const run = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.stdout.write(`typecheck: ${projects.length - failed} of ${projects.length} projects clean\n`);
process.exitCode = failed ? 1 : 0;
