import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOpenAiServer, type RecordedRequest } from '@ultra/fake-llm';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';
import { type CliOptions, runCli } from '../support/ultra-cli';

/**
 * `ultra eval` end to end: the real stack, its OpenAI provider pointed at the wire-level fake. The fake plays three
 * models of known skill on arithmetic (gpt-4o right on 60 % of the items, gpt-4.1 on 50 %, gpt-4o-mini on 40 %) and
 * answers every call that sees other models' answers (a pattern's later stages) right, so `critique` should beat
 * the best single model by about 40 points. On open questions the later stages answer "THOROUGH…", and the judge
 * (gpt-6.2-sol) prefers that answer wherever it stands.
 */
const PANEL = ['openai:gpt-4o', 'openai:gpt-4.1', 'openai:gpt-4o-mini'];
const SKILL: Record<string, (i: number) => boolean> = {
  'gpt-4o': (i) => i % 5 < 3,
  'gpt-4.1': (i) => i % 2 === 0,
  'gpt-4o-mini': (i) => i % 5 < 2,
};
const ITEMS = 10;

interface ChatBody {
  model: string;
  messages: { content: string | { text?: string }[] }[];
}

function textOf(request: RecordedRequest): { model: string; text: string } {
  const body = request.body as ChatBody;
  const text = body.messages
    .map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join('')))
    .join('\n');
  return { model: body.model, text };
}

/** Tokens each call reports: the budget test makes calls expensive. */
let outputTokens = 9;

function reply(request: RecordedRequest) {
  const usage = { inputTokens: 12, outputTokens };
  return { ...answer(request), usage };
}

function answer(request: RecordedRequest) {
  const { model, text } = textOf(request);
  if (text.includes('[[A]]')) {
    // The judge: the thorough answer wins, whichever position it has.
    const thorough = text.indexOf('THOROUGH');
    const short = text.indexOf('A short answer');
    const verdict = thorough < 0 || short < 0 ? 'tie' : thorough < short ? 'A' : 'B';
    return { text: `The better answer is clear.\n[[${verdict}]]` };
  }
  // A prompt that quotes earlier answers (or critiques) belongs to a later stage of a pattern.
  const laterStage = /Answer:\s*-?\d/.test(text) || text.includes('A short answer') || text.includes('THOROUGH');
  const sum = /What is (\d+) \+ (\d+)\?/.exec(text);
  if (!sum) return { text: laterStage ? 'THOROUGH answer covering every angle.' : `A short answer from ${model}.` };
  const [a, b] = [Number(sum[1]), Number(sum[2])];
  const right = laterStage || SKILL[model]?.(a);
  return { text: `Adding them step by step.\nAnswer: ${right ? a + b : a + b + 1}` };
}

describe('ultra eval against the real stack', () => {
  const openai = new FakeOpenAiServer();
  let stack: TestStack;
  let token: string;
  let dir: string;
  const cli = (args: string[], options: CliOptions = {}) =>
    runCli(dir, stack.baseUrl, ['eval', ...args], { ...options, env: { ULTRA_TOKEN: token, ...options.env } });
  const records = async (out: string) =>
    (await readFile(join(out, 'answers.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; itemId: string; armId: string; score?: number });

  beforeAll(async () => {
    await openai.listen(0);
    openai.reply(reply);
    stack = await TestStack.start({
      env: { OPENAI_API_KEY: 'sk-eval-test', OPENAI_BASE_URL: `${openai.url}/v1`, MOCK_LATENCY_MS: '0' },
    });
    token = (await new ApiClient(stack.baseUrl).registerUser()).token!;
    dir = await mkdtemp(join(tmpdir(), 'ultra-eval-e2e-'));
    const math = Array.from({ length: ITEMS }, (_, i) => ({
      id: `sum-${i}`,
      question: `What is ${i} + ${i * 3}?`,
      answer: 4 * i,
    }));
    await writeFile(join(dir, 'sums.jsonl'), math.map((item) => JSON.stringify(item)).join('\n'));
    const open = ['Why is the sky blue?', 'How do vaccines work?', 'What makes a good API?'];
    await writeFile(
      join(dir, 'open.jsonl'),
      open.map((question, i) => JSON.stringify({ id: `q${i}`, question })).join('\n'),
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await openai.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scores every arm, finds the best single model and the pattern’s gain with its interval, and writes the report', async () => {
    const out = join(dir, 'run-math');
    const run = await cli([
      '--suite',
      join(dir, 'sums.jsonl'),
      '--patterns',
      'critique',
      '--models',
      PANEL.join(','),
      '--out',
      out,
      '--json',
    ]);
    expect(run.stderr).not.toContain('Error:');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      bestSingle: string;
      arms: {
        armId: string;
        accuracy: number;
        costUsd: number;
        vsBest: { delta: number; low: number; high: number } | null;
      }[];
    };
    const arm = (id: string) => report.arms.find((a) => a.armId === id)!;
    expect(arm('model:openai:gpt-4o').accuracy).toBeCloseTo(0.6);
    expect(arm('model:openai:gpt-4.1').accuracy).toBeCloseTo(0.5);
    expect(arm('model:openai:gpt-4o-mini').accuracy).toBeCloseTo(0.4);
    expect(arm('pattern:critique').accuracy).toBe(1);
    expect(report.bestSingle).toBe('model:openai:gpt-4o');
    const gain = arm('pattern:critique').vsBest!;
    expect(gain.delta).toBeCloseTo(40);
    expect(gain.low).toBeGreaterThan(0);
    expect(arm('pattern:critique').costUsd).toBeGreaterThan(arm('model:openai:gpt-4o').costUsd);
    for (const file of ['report.md', 'report.json', 'report.svg'])
      expect((await readFile(join(out, file), 'utf8')).length).toBeGreaterThan(100);
    expect(await readFile(join(out, 'report.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(await records(out)).toHaveLength(ITEMS * 4);
  });

  it('judges open answers in both orders with a judge outside the panel', async () => {
    const out = join(dir, 'run-open');
    const run = await cli([
      '--suite',
      join(dir, 'open.jsonl'),
      '--patterns',
      'critique',
      '--models',
      PANEL.join(','),
      '--judge',
      'openai:gpt-6.2-sol',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { judge: string; arms: { armId: string; winRate: number | null }[] };
    expect(report.judge).toBe('openai:gpt-6.2-sol');
    const judged = (await records(out)).filter((r) => r.type === 'judgement') as unknown as {
      armId: string;
      order: string;
      winner: string;
    }[];
    // 3 items × 3 arms other than the baseline (the first model alone) × 2 orders.
    expect(judged).toHaveLength(18);
    const critique = judged.filter((j) => j.armId === 'pattern:critique');
    expect(new Set(critique.map((j) => j.order))).toEqual(new Set(['armFirst', 'baselineFirst']));
    expect(critique.every((j) => j.winner === 'arm')).toBe(true);
    expect(report.arms.find((a) => a.armId === 'pattern:critique')?.winRate).toBe(1);
  });

  it('picks a judge outside the panel by default, and says when a judge’s verdicts cannot be read', async () => {
    const open = ['--suite', join(dir, 'open.jsonl'), '--limit', '1', '--models', PANEL.join(',')];
    const byDefault = await cli([...open, '--out', join(dir, 'run-default-judge'), '--json']);
    expect(byDefault.code).toBe(0);
    // The catalog's first ready model that is not on the panel.
    expect(JSON.parse(byDefault.stdout)).toMatchObject({
      judge: 'openai:gpt-6.2-sol',
      judgements: 6,
      unreadableVerdicts: 0,
    });

    // A mock model's canned answers carry no verdict.
    const mock = await cli([...open, '--judge', 'mock:alpha', '--out', join(dir, 'run-mock-judge')]);
    expect(mock.code).toBe(0);
    expect(mock.stdout).toContain('6 of 6 verdicts could not be read');
  });

  it('stops cleanly at the budget, and a second run resumes without asking anything twice', async () => {
    const out = join(dir, 'run-budget');
    const args = [
      '--suite',
      join(dir, 'sums.jsonl'),
      '--patterns',
      'critique',
      '--models',
      PANEL.join(','),
      '--out',
      out,
      '--concurrency',
      '2',
    ];
    // About $0.05 a gpt-4o call: an item's four arms cost about $0.5 together.
    outputTokens = 5_000;
    const first = await cli([...args, '--budget-usd', '0.6']).finally(() => (outputTokens = 9));
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('stopped by the budget');
    const kept = (await records(out)) as unknown as { itemId: string; armId: string; costUsd: number }[];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(ITEMS * 4);
    // Nothing starts once the spend reaches the budget; what was in flight then (2 at most) may end above it.
    const spent = kept.reduce((sum, r) => sum + r.costUsd, 0);
    const dearest = Math.max(...kept.map((r) => r.costUsd));
    expect(spent).toBeLessThanOrEqual(0.6 + 2 * dearest);

    const second = await cli(args);
    expect(second.code).toBe(0);
    const all = await records(out);
    expect(all).toHaveLength(ITEMS * 4);
    expect(new Set(all.map((r) => `${r.itemId}/${r.armId}`)).size).toBe(ITEMS * 4);
    expect(all.slice(0, kept.length)).toEqual(kept);
  });

  it('keeps what it has on Ctrl-C (exit 130) and finishes the rest when run again', async () => {
    const out = join(dir, 'run-interrupted');
    const args = [
      '--suite',
      join(dir, 'sums.jsonl'),
      '--patterns',
      'critique',
      '--models',
      PANEL.join(','),
      '--out',
      out,
      '--concurrency',
      '1',
    ];
    let sent = false;
    const first = await cli(args, {
      onStderr: (child, stderr) => {
        if (!sent && / [4-9]\/40 answers/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('run the same command to resume');
    const kept = await records(out);
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept.length).toBeLessThan(ITEMS * 4);
    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(await records(out)).toHaveLength(ITEMS * 4);
  });

  it('refuses a run whose arm Ultra refuses, naming it, before asking anything', async () => {
    const run = await cli([
      '--suite',
      join(dir, 'sums.jsonl'),
      '--patterns',
      'no_such_pattern',
      '--models',
      PANEL.join(','),
      '--out',
      join(dir, 'run-bad'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pattern:no_such_pattern');
    expect(await readFile(join(dir, 'run-bad', 'answers.jsonl'), 'utf8').catch(() => '')).toBe('');

    const missing = await cli(['--suite', join(dir, 'nope.jsonl'), '--models', PANEL.join(',')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl');
    const unknown = await cli(['--suite', 'arithmetik', '--models', PANEL.join(',')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('arithmetic');
    const budget = await cli(['--suite', 'arithmetic', '--models', PANEL.join(','), '--budget-usd', '-1']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain('budget-usd');
  });
});
