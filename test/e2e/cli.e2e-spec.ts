import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisPage, AnalysisView, ModelInfo, PatternInfo } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { freePort } from '../support/ports';
import { TestStack } from '../support/stack';
import { type CliOptions, type CliRun, runCli } from '../support/ultra-cli';

const models = 'mock:alpha,mock:beta,mock:gamma';
const password = 'correct horse battery';

const parse = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;
const flat = (text: string) =>
  text
    .replace(/[*_`#>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('ultra CLI against the real stack', () => {
  let stack: TestStack;
  let api: ApiClient;
  let email: string;
  let configHome: string;
  const cli = (args: string[], options?: CliOptions) => runCli(configHome, stack.baseUrl, args, options);

  beforeAll(async () => {
    // Slow enough mock calls that a run can be interrupted or cancelled while it is still going.
    stack = await TestStack.start({ env: { MOCK_FAIL_MODELS: 'mock:delta', MOCK_LATENCY_MS: '300' } });
    email = `cli-${randomUUID()}@example.com`;
    const registered = await new ApiClient(stack.baseUrl).registerUser(email);
    api = registered;
    configHome = await mkdtemp(join(tmpdir(), 'ultra-cli-e2e-'));
  });

  afterAll(async () => {
    await stack?.stop();
    if (configHome) await rm(configHome, { recursive: true, force: true });
  });

  it('logs in from piped stdin and stores the token pair in a 0600 file; a wrong password exits 3', async () => {
    const wrong = await cli(['login', '--email', email, '--password', 'not the password']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('invalid_credentials');

    const login = await cli(['login'], { input: `${email}\n${password}\n` });
    expect(login).toMatchObject({ code: 0, stdout: '' });
    expect(login.stderr).toContain(`logged in as ${email}`);
    const file = join(configHome, 'ultra', 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(configHome, 'ultra'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      url: stack.baseUrl,
      token: expect.any(String),
      refreshToken: expect.any(String),
    });
  });

  it('lists models and patterns, as tables and as the API JSON', async () => {
    const json = await cli(['models', '--json']);
    expect(json.code).toBe(0);
    expect(parse<{ models: ModelInfo[] }>(json).models).toContainEqual(
      expect.objectContaining({ id: 'mock:alpha', status: 'ready' }),
    );
    const table = await cli(['models']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/mock:alpha\s+ready/);

    const patterns = await cli(['patterns', '--json']);
    expect(parse<{ patterns: PatternInfo[] }>(patterns).patterns.map((p) => p.id)).toContain('critique');
    expect((await cli(['patterns'])).stdout).toMatch(/critique\s+builtin\s+initial → meta → hyper → ultra/);
  });

  it('estimates an analysis without running it', async () => {
    const json = await cli(['estimate', 'Why is the sky blue?', '--pattern', 'critique', '--models', models, '--json']);
    expect(json.code).toBe(0);
    const estimate = parse<{ pattern: string; calls: number }>(json);
    expect(estimate).toMatchObject({ pattern: 'critique', calls: 10 });
    const text = await cli(['estimate', 'Why is the sky blue?', '--pattern', 'critique', '--models', models]);
    expect(text.stdout).toContain('calls 10');
    expect(text.stdout).toMatch(/mock:alpha\s+4/);
    const history = await api.request<AnalysisPage>('GET', '/api/analyses');
    expect(history.body.analyses).toEqual([]);
  });

  let analysisId: string;

  it('runs an analysis with live progress per stage and model, then prints the rendered answer', async () => {
    const run = await cli(['analyze', 'Why is the sky blue?', '--pattern', 'critique', '--models', models]);
    expect(run.code).toBe(0);
    analysisId = /analysis (\S+) queued/.exec(run.stderr)![1];
    const view = await api.waitForAnalysis(analysisId);
    expect(view).toMatchObject({ status: 'completed', pattern: 'critique', models: models.split(',') });
    // Live from the event stream: every stage and every model's output, in order, with its token count.
    expect(run.stderr).not.toContain('polling');
    const lines = run.stderr.split('\n');
    const at = (text: string) => lines.findIndex((line) => line.startsWith(text));
    for (const stage of ['initial', 'meta', 'hyper']) {
      for (const model of models.split(','))
        expect(lines).toContainEqual(expect.stringMatching(`^${stage} · ${model} done, \\d+ tokens$`));
    }
    expect(at('stage initial')).toBeLessThan(at('stage meta'));
    expect(at('stage hyper')).toBeLessThan(at('stage ultra'));
    expect(lines).toContain(`analysis ${analysisId} completed`);
    // stdout holds only the answer, rendered for the terminal (no colours on a pipe).
    expect(flat(run.stdout)).toContain(flat(view.result!.text).slice(0, 60));
  });

  it('prints the final analysis as JSON with --json, and no progress', async () => {
    const run = await cli(['analyze', 'Why is the sea salty?', '--models', 'mock:alpha,mock:beta', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const view = parse<AnalysisView>(run);
    expect(view).toMatchObject({ status: 'completed', pattern: 'confidence', prompt: 'Why is the sea salty?' });
    expect((await api.request<AnalysisView>('GET', `/api/analyses/${view.id}`)).body).toEqual(view);
  });

  it('exits 1 when the analysis fails, with its error code', async () => {
    const run = await cli(['analyze', 'Will this fail?', '--models', 'mock:delta']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('all_models_failed');
    const json = await cli(['analyze', 'Will this fail?', '--models', 'mock:delta', '--json']);
    expect(json.code).toBe(1);
    expect(parse<AnalysisView>(json)).toMatchObject({ status: 'failed', error: { code: 'all_models_failed' } });
  });

  it('refuses what the API refuses as a usage error (exit 2), naming the model', async () => {
    const run = await cli(['analyze', 'Why?', '--models', 'mock:nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('mock:nope');
  });

  it('shows an analysis and lists the history with filters', async () => {
    const show = await cli(['show', analysisId]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`analysis ${analysisId}  completed`);
    expect(show.stdout).toMatch(/\n {2}hyper +completed +mock:alpha \d+ tok · mock:beta \d+ tok/);
    const json = await cli(['show', analysisId, '--json']);
    expect(parse<AnalysisView>(json)).toEqual((await api.request('GET', `/api/analyses/${analysisId}`)).body);

    const history = await cli(['history', '--pattern', 'critique', '--json']);
    expect(history.code).toBe(0);
    expect(parse<AnalysisPage>(history).analyses.map((a) => a.id)).toEqual([analysisId]);
    const failed = await cli(['history', '--status', 'failed', '--limit', '1']);
    expect(failed.stdout).toMatch(/failed\s+confidence\s+mock:delta/);
    expect(failed.stdout.trim().split('\n')).toHaveLength(2);
    expect(failed.stderr).toContain('ultra history --cursor');
  });

  it('exports an analysis as Markdown, JSON and CSV, to stdout or a file', async () => {
    const markdown = await cli(['export', analysisId, '--format', 'markdown']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('Why is the sky blue?');
    const json = await cli(['export', analysisId, '--json']);
    expect(parse<{ id: string }>(json).id).toBe(analysisId);
    const file = join(configHome, 'export.csv');
    const csv = await cli(['export', analysisId, '--format', 'csv', '-o', file]);
    expect(csv).toMatchObject({ code: 0, stdout: '' });
    const rows = (await readFile(file, 'utf8')).trim().split('\n');
    expect(rows.length).toBeGreaterThan(10);
  });

  it('attaches documents and asks follow-ups in the same thread', async () => {
    const doc = join(configHome, 'notes.md');
    await writeFile(doc, '# Notes\n\nRayleigh scattering favours short wavelengths.\n');
    const run = await cli(['analyze', 'What do the notes say?', '--models', 'mock:alpha', '--doc', doc, '--json']);
    expect(run.code).toBe(0);
    const view = parse<AnalysisView>(run);
    expect(view.status).toBe('completed');
    expect(view.documents).toEqual([expect.objectContaining({ name: 'notes.md' })]);

    const followUp = await cli(['analyze', 'And at sunset?', '--follow-up', view.id, '--json']);
    expect(followUp.code).toBe(0);
    expect(parse<AnalysisView>(followUp)).toMatchObject({
      status: 'completed',
      models: ['mock:alpha'],
      parentAnalysisId: view.id,
      threadId: view.threadId,
    });
  });

  it('leaves the analysis running on Ctrl-C, exits 130 and says how to follow it', async () => {
    let sent = false;
    const run = await cli(['analyze', 'Interrupt me', '--pattern', 'critique', '--models', models], {
      onStderr: (child, stderr) => {
        if (!sent && /stage initial/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(run.code).toBe(130);
    const id = /analysis (\S+) queued/.exec(run.stderr)![1];
    expect(run.stderr).toContain(`ultra show ${id}`);
    expect((await api.waitForAnalysis(id)).status).toBe('completed');
  });

  it('cancels a running analysis; show then exits 1 with code cancelled', async () => {
    const detached = await cli(['analyze', 'Cancel me', '--pattern', 'critique', '--models', models, '--detach']);
    expect(detached.code).toBe(0);
    const id = detached.stdout.trim();
    const cancel = await cli(['cancel', id]);
    expect(cancel).toMatchObject({ code: 0, stdout: `analysis ${id}: cancelling\n` });
    await api.waitForAnalysis(id);
    const show = await cli(['show', id]);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('cancelled');
  });

  it('maps errors to exit codes: 4 not found, 3 bad token, 5 unreachable (naming the URL)', async () => {
    const missing = await cli(['show', randomUUID()]);
    expect(missing.code).toBe(4);
    const badToken = await cli(['models'], { env: { ULTRA_TOKEN: 'not-a-token' } });
    expect(badToken.code).toBe(3);
    const url = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await cli(['models', '--json'], { env: { ULTRA_URL: url } });
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toContain(url);
    expect(unreachable.stdout).toBe('');
  });

  it('takes ULTRA_TOKEN over the stored token, and `login` stores it', async () => {
    const other = `cli-${randomUUID()}@example.com`;
    const token = (await api.request<{ accessToken: string }>('POST', '/api/auth/register', { email: other, password }))
      .body.accessToken;
    const history = await cli(['history', '--json'], { env: { ULTRA_TOKEN: token } });
    expect(parse<AnalysisPage>(history).analyses).toEqual([]);
    const home = await mkdtemp(join(tmpdir(), 'ultra-cli-e2e-'));
    try {
      const login = await runCli(home, stack.baseUrl, ['login'], { env: { ULTRA_TOKEN: token } });
      expect(login.code).toBe(0);
      expect(JSON.parse(await readFile(join(home, 'ultra', 'config.json'), 'utf8'))).toEqual({
        url: stack.baseUrl,
        token,
      });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
