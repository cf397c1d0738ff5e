import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The built `ultra` CLI (apps/cli/dist), run as a user runs it. */
const cliMain = resolve(__dirname, '../../apps/cli/dist/main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  /** Called with the process and its stderr so far whenever stderr grows (to send a signal mid-run). */
  onStderr?: (child: ReturnType<typeof spawn>, stderr: string) => void;
}

/**
 * The built CLI as a user runs it: its own process, stdout and stderr pipes (not a terminal, so plain progress
 * lines and no colours), the test stack's URL and a config dir of its own.
 */
export function runCli(configHome: string, baseUrl: string, args: string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('ULTRA_')) env[key] = value;
  }
  Object.assign(env, { ULTRA_URL: baseUrl, XDG_CONFIG_HOME: configHome, NO_COLOR: '1' }, options.env);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliMain, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(child, stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
