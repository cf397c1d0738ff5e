import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { AnalysisView, AnalyzeAccepted, PatternInfo } from '@ultra/contracts';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../support/api';
import {
  analysisIdOf,
  excerpt,
  launchBrowser,
  openPage,
  signIn,
  unexpectedProblems,
  type WatchedPage,
} from '../support/browser';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];
const topic = `tidal-${randomUUID().slice(0, 8)}`;

/** A pattern as a user would paste it into the editor's YAML mode. */
const PATTERN_YAML = [
  'id: web-two-step',
  'name: Web two step',
  'description: Every model answers, then the ultra model keeps the best parts.',
  'stages:',
  '  - id: answer',
  '    label: Answers',
  '    kind: generate',
  '    participants: all',
  '    prompt: { user: "{{question}}" }',
  '  - id: pick',
  '    label: Pick',
  '    kind: generate',
  '    participants: ultra',
  '    prompt: { user: "{{question}}\\n\\n{{all.answer}}\\n\\nKeep the best parts." }',
].join('\n');

describe('web UI in a browser: result views, export, follow-up, rerun, history, patterns', () => {
  let stack: TestStack;
  let browser: Browser;
  let user: ApiClient;
  const email = `web-${randomUUID()}@example.com`;
  let watched: WatchedPage | undefined;
  const ran: Record<'critique' | 'confidence' | 'council', AnalysisView> = {} as never;

  async function analyze(pattern: string, prompt: string): Promise<AnalysisView> {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', { prompt, models, pattern });
    if (accepted.status !== 202) throw new Error(`analyze: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    return user.waitForAnalysis(accepted.body.id);
  }

  beforeAll(async () => {
    [stack, browser] = await Promise.all([TestStack.start({ env: { MOCK_LATENCY_MS: '30' } }), launchBrowser()]);
    user = await new ApiClient(stack.baseUrl).registerUser(email);
    // Analyses made through the API, so these screens are tested whatever the state of New analysis.
    const [critique, confidence, council] = await Promise.all([
      analyze('critique', `How do ${topic} forces shape coastlines?`),
      analyze('confidence', 'Is it safe to rebase a shared branch?'),
      analyze('council', 'Which sorting algorithm suits nearly sorted data?'),
    ]);
    Object.assign(ran, { critique, confidence, council });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function openAnalysis(view: AnalysisView): Promise<Page> {
    watched = await openPage(browser, stack.baseUrl);
    await signIn(watched.page, email, 'correct horse battery');
    await watched.page.goto(`/analyses/${view.id}`);
    await watched.page.getByRole('button', { name: 'Copy answer' }).waitFor();
    return watched.page;
  }

  afterEach(async () => {
    const problems = watched ? unexpectedProblems(watched) : [];
    await watched?.context.close();
    watched = undefined;
    expect(problems).toEqual([]);
  });

  it('shows the answer, the agreement chart of confidence and the ranking of council', async () => {
    let page = await openAnalysis(ran.critique);
    await page.getByText(excerpt(ran.critique.result!.text), { exact: false }).first().waitFor();
    await watched!.context.close();

    page = await openAnalysis(ran.confidence);
    await page.getByRole('heading', { name: /agreement/i }).waitFor();
    expect(await page.locator('main svg rect').count()).toBeGreaterThan(0);
    await watched!.context.close();

    page = await openAnalysis(ran.council);
    const ranking = page.getByRole('table', { name: /ranking/i });
    await ranking.waitFor();
    expect(await ranking.getByRole('row').count()).toBeGreaterThan(models.length);
  });

  it('exports the result as JSON, Markdown and CSV', async () => {
    const page = await openAnalysis(ran.critique);
    for (const [format, extension] of [
      ['JSON', '.json'],
      ['Markdown', '.md'],
      ['CSV', '.csv'],
    ] as const) {
      const download = page.waitForEvent('download');
      await clickExport(page, format);
      const file = await download;
      expect(file.suggestedFilename()).toMatch(new RegExp(`\\${extension}$`));
      const text = readFileSync(await file.path(), 'utf8');
      expect(text).toContain(format === 'CSV' ? 'mock:alpha' : topic);
    }
  });

  it('asks a follow-up and shows the thread', async () => {
    const page = await openAnalysis(ran.critique);
    await page.getByRole('textbox', { name: /follow-up/i }).fill('And how do tides affect estuaries?');
    await page.getByRole('button', { name: 'Ask a follow-up' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(ran.critique.id));
    const next = await user.waitForAnalysis(analysisIdOf(page));
    expect(next.status).toBe('completed');
    // The thread names the earlier analysis by its prompt.
    await page.getByText(topic, { exact: false }).first().waitFor();
  });

  it('reruns from a stage and shows the reused stages', async () => {
    const page = await openAnalysis(ran.critique);
    await page.getByRole('region', { name: 'Rerun from a stage' }).waitFor();
    await page.getByRole('combobox', { name: 'Rerun from stage' }).selectOption('hyper');
    await page.getByRole('button', { name: 'Rerun', exact: true }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(ran.critique.id));
    const rerun = await user.waitForAnalysis(analysisIdOf(page));
    expect(rerun.stages.flatMap((s) => s.outputs).some((o) => o.reused)).toBe(true);
    await page
      .getByText(/reused/i)
      .first()
      .waitFor();
  });

  it('finds the analysis in History by searching its prompt', async () => {
    watched = await openPage(browser, stack.baseUrl);
    const { page } = watched;
    await signIn(page, email, 'correct horse battery');
    await page.goto('/history');
    // The unfiltered list shows the other analyses; the search must take them away.
    const others = page.getByRole('link', { name: /sorting algorithm/ });
    await others.first().waitFor();
    await page.getByRole('searchbox', { name: 'Search' }).fill(topic);
    await page.keyboard.press('Enter');
    // The rerun shares the prompt: both are found, the other analyses are not. The unfiltered list stays on
    // screen until the search answers, so wait for the others to leave (this times out if the search does not
    // filter).
    await others.first().waitFor({ state: 'detached' });
    const found = page.getByRole('link', { name: new RegExp(topic) });
    await found.first().waitFor();
    expect(await others.count()).toBe(0);
    await page.locator(`main a[href="/analyses/${ran.critique.id}"]`).click();
    await page.waitForURL(`**/analyses/${ran.critique.id}`);
  });

  it('creates a pattern in the YAML editor', async () => {
    watched = await openPage(browser, stack.baseUrl);
    const { page } = watched;
    await signIn(page, email, 'correct horse battery');
    await page.goto('/patterns');
    await page.getByText('Critique').first().waitFor();
    await page
      .getByRole('link', { name: 'New pattern' })
      .or(page.getByRole('button', { name: 'New pattern' }))
      .click();
    await page.waitForURL('**/patterns/new');
    await page.getByRole('radio', { name: 'YAML' }).check();
    await page.getByRole('textbox', { name: 'Pattern YAML' }).fill(PATTERN_YAML);
    await page.getByRole('button', { name: 'Save pattern' }).click();
    await page.waitForURL((url) => url.pathname !== '/patterns/new');
    const patterns = await user.request<{ patterns: PatternInfo[] }>('GET', '/api/patterns');
    expect(patterns.body.patterns.map((p) => p.id)).toContain('web-two-step');
    await page.goto('/patterns');
    await page.getByText('Web two step').first().waitFor();
  });
});

/** Export buttons named by format ("JSON"/"Export JSON"), or an "Export" menu holding them. */
async function clickExport(page: Page, format: string): Promise<void> {
  const direct = page.getByRole('button', { name: new RegExp(`^(Export (as )?)?${format}$`, 'i') });
  if (!(await direct.count())) await page.getByRole('button', { name: 'Export' }).click();
  await direct
    .or(page.getByRole('menuitem', { name: new RegExp(format, 'i') }))
    .first()
    .click();
}
