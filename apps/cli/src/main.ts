#!/usr/bin/env node
// The `ultra` command: wires the process to the CLI and exits with its code.
import { createRequire } from 'node:module';
import { CliContext } from './context.js';
import { runCli } from './program.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const ctx = new CliContext({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = await runCli(process.argv.slice(2), ctx, version);
// Nothing should keep the process alive now; if a socket does, it must not hold the exit code hostage.
setTimeout(() => process.exit(), 2000).unref();
