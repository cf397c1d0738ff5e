// Functions passed to page.evaluate run in the browser: they are typed against the DOM.
/// <reference lib="dom" />
import { randomBytes, randomUUID } from 'node:crypto';
import type { AnalysisView, ProviderKeyList } from '@ultra/contracts';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../support/api';
import {
  analysisIdOf,
  excerpt,
  fillNewAnalysis,
  launchBrowser,
  openPage,
  PASSWORD,
  signIn,
  tabTo,
  unexpectedProblems,
  type WatchedPage,
} from '../support/browser';
import { TestStack } from '../support/stack';

const MODELS = ['Mock Alpha', 'Mock Beta', 'Mock Gamma'];

describe('web UI in a browser: sign up, settings, a live run, keyboard only', () => {
  let stack: TestStack;
  let browser: Browser;
  let user: ApiClient;
  const email = `web-${randomUUID()}@example.com`;
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    // Slow enough mock calls that the four stages of critique are seen running one after another.
    [stack, browser] = await Promise.all([
      TestStack.start({
        env: { MOCK_LATENCY_MS: '700', KEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` },
      }),
      launchBrowser(),
    ]);
    user = await new ApiClient(stack.baseUrl).registerUser(email);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A fresh page signed in as `user`; what went wrong in it is checked after the test. */
  async function signedInPage(): Promise<Page> {
    watched = await openPage(browser, stack.baseUrl);
    await signIn(watched.page, email, 'correct horse battery');
    return watched.page;
  }

  afterEach(async () => {
    const problems = watched ? unexpectedProblems(watched) : [];
    await watched?.context.close();
    watched = undefined;
    expect(problems).toEqual([]);
  });

  it('sends a signed-out visitor to the login page, and signs up', async () => {
    watched = await openPage(browser, stack.baseUrl);
    const { page } = watched;
    await page.goto('/history');
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await signIn(page, `web-${randomUUID()}@example.com`, PASSWORD, 'signup');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).waitFor();
  });

  it('adds a provider key in Settings and never shows it back', async () => {
    const page = await signedInPage();
    const key = `sk-web-${randomBytes(8).toString('hex')}`;
    await page.goto('/settings/keys');
    await page.getByRole('combobox', { name: /provider/i }).selectOption('openai');
    await page.getByLabel(/^(api )?key$/i).fill(key);
    await page.getByRole('button', { name: /^(save|add)/i }).click();
    await page
      .getByText(/openai/i)
      .first()
      .waitFor();
    const listed = await user.request<ProviderKeyList>('GET', '/api/provider-keys');
    expect(listed.body.providerKeys.map((k) => k.provider)).toEqual(['openai']);
    await page.reload();
    await page
      .getByText(/openai/i)
      .first()
      .waitFor();
    expect(await page.content()).not.toContain(key);
  });

  it('runs critique: the cards fill while it runs, then the result', async () => {
    const page = await signedInPage();
    await page.goto('/analyses/new');
    const prompt = `Should a small team adopt a monorepo? ${randomUUID()}`;
    await fillNewAnalysis(page, { prompt, pattern: 'critique', models: MODELS, ultra: 'Mock Alpha' });
    const estimate = page.getByRole('region', { name: 'Estimate' });
    await estimate.getByText('Model calls').waitFor();
    await page.getByRole('button', { name: 'Run analysis' }).click();
    await page.waitForURL(/\/analyses\/(?!new)[^/]+$/);
    const id = analysisIdOf(page);
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await cancel.waitFor();

    // The first stage's answers reach the page while later stages still run (Cancel is still offered).
    const first = await firstStageOutputs(user, id);
    for (const text of first) await page.getByText(excerpt(text), { exact: false }).first().waitFor();
    expect(await cancel.isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Copy answer' }).waitFor({ timeout: 30_000 });
    expect(await cancel.isVisible()).toBe(false);
    const view = await user.waitForAnalysis(id);
    expect(view.status).toBe('completed');
    await page.getByText(excerpt(view.result!.text), { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Copy answer' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(view.result!.text);
  });

  it('runs the main flow with the keyboard only (Tab, Enter, Space)', async () => {
    watched = await openPage(browser, stack.baseUrl);
    const { page } = watched;
    await page.goto('/login');
    await tabTo(page, page.getByLabel('Email'));
    await page.keyboard.type(email);
    await tabTo(page, page.getByLabel('Password'));
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/analyses/new');

    await tabTo(page, page.getByRole('textbox', { name: 'Prompt' }));
    await page.keyboard.type('What makes a good code review? (keyboard)');
    for (const model of MODELS.slice(0, 2)) {
      await tabTo(page, page.getByRole('checkbox', { name: new RegExp(model) }));
      await page.keyboard.press('Space');
    }
    const ultra = page.getByRole('radio', { name: /Mock Alpha/ });
    if (!(await ultra.isChecked())) {
      await tabTo(page, ultra);
      await page.keyboard.press('Space');
    }
    await tabTo(page, page.getByRole('button', { name: 'Run analysis' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/analyses\/(?!new)[^/]+$/);
    const id = analysisIdOf(page);
    const copy = page.getByRole('button', { name: 'Copy answer' });
    await copy.waitFor({ timeout: 30_000 });
    await tabTo(page, copy);
    await page.keyboard.press('Enter');
    const view = await user.waitForAnalysis(id);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(view.result!.text);
  });
});

/** Polls the API until the analysis' first stage has its outputs, and returns their texts. */
async function firstStageOutputs(user: ApiClient, id: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { body } = await user.request<AnalysisView>('GET', `/api/analyses/${id}`);
    const stage = body.stages.find((s) => s.index === 0);
    if (stage?.status === 'completed') return stage.outputs.map((o) => o.text ?? '').filter(Boolean);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the first stage of ${id} did not complete within 15 s`);
}
