import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CliContext } from './context.js';
import { runCli } from './program.js';

/** Runs the CLI in-process with captured streams, a temporary config dir and the given environment. */
async function run(argv: string[], env: { url?: string; token?: string } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const ctx = new CliContext({ stdin: new PassThrough(), stdout, stderr }, { ...env, configDir: join(dir, 'ultra') });
  const code = await runCli(argv, ctx, '9.9.9');
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ultra-cli-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('ultra argument parsing', () => {
  it('prints help with the exit codes and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('130  interrupted');
    expect(result.stdout).toContain('ULTRA_URL');
  });

  it('prints the version', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: '9.9.9\n' });
  });

  it.each([
    ['no command', []],
    ['an unknown command', ['analyse', 'q']],
    ['analyze without a prompt', ['analyze', '--models', 'mock:alpha']],
    ['analyze without models', ['analyze', 'Why?']],
    ['a parameter that is not a number', ['analyze', 'Why?', '--models', 'mock:alpha', '--param', 'layers=three']],
    ['a parameter without a name', ['estimate', 'Why?', '--models', 'mock:alpha', '--param', '=3']],
    ['an export format that does not exist', ['export', 'some-id', '--format', 'xml']],
    ['a limit that is not a positive integer', ['history', '--limit', '0']],
    ['an unknown option', ['models', '--colour']],
    ['a document that cannot be read', ['analyze', 'Why?', '--models', 'mock:alpha', '--doc', '/nonexistent/x.pdf']],
  ])('%s is a usage error (exit 2)', async (_, argv) => {
    const result = await run(argv, { token: 't' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toBe('');
  });

  it('exits 3 and says how to log in when there is no token', async () => {
    const result = await run(['models']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('ultra login');
  });

  it('exits 5 naming the URL when the API cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await run(['patterns', '--json'], { url, token: 't' });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(url);
    expect(result.stdout).toBe('');
  });
});
