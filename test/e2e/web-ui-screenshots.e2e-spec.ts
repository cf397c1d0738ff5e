// Functions passed to page.evaluate run in the browser: they are typed against the DOM.
/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import type { AnalysisView, AnalyzeAccepted } from '@ultra/contracts';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '../support/api';
import {
  excerpt,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  type Size,
  type Theme,
  unexpectedProblems,
} from '../support/browser';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];
const PROMPT = 'What are the trade-offs of event sourcing for a small team?';
const COMBINATIONS: [Theme, Size][] = [
  ['light', 'desktop'],
  ['dark', 'desktop'],
  ['light', 'phone'],
  ['dark', 'phone'],
];

/**
 * docs/screenshots: every main screen in both themes, on a desktop (1280x800) and a phone (390x844). A screen that
 * does not reach its ready state is still photographed (to see why), and the test fails naming it.
 */
describe('web UI screenshots', () => {
  let stack: TestStack;
  let browser: Browser;
  let user: ApiClient;
  const email = `shots-${randomUUID()}@example.com`;
  let done: AnalysisView;

  async function start(prompt: string): Promise<string> {
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt,
      models,
      pattern: 'critique',
    });
    if (accepted.status !== 202) throw new Error(`analyze: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    return accepted.body.id;
  }

  beforeAll(async () => {
    // Mock calls slow enough that a running analysis is photographed mid-way through its stages.
    [stack, browser] = await Promise.all([TestStack.start({ env: { MOCK_LATENCY_MS: '1200' } }), launchBrowser()]);
    user = await new ApiClient(stack.baseUrl).registerUser(email);
    const ids = await Promise.all([start(PROMPT), start('How should we version a public REST API?')]);
    done = await user.waitForAnalysis(ids[0]);
    await user.waitForAnalysis(ids[1]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it.each(COMBINATIONS)('photographs every screen, %s theme, %s', async (theme, size) => {
    const watched = await openPage(browser, stack.baseUrl, { theme, size });
    const { page } = watched;
    // A missing screen costs a few seconds, not the whole test's time.
    page.setDefaultTimeout(5_000);
    const failures: string[] = [];
    /** Waits for what shows the screen is ready, then photographs it either way. */
    const shoot = async (screen: string, ready: () => Promise<unknown>) => {
      await ready().catch((error: Error) => failures.push(`${screen}: ${error.message.split('\n')[0]}`));
      await screenshot(page, screen, theme, size);
    };
    try {
      await page.goto('/login');
      await shoot('login', () => page.getByRole('button', { name: 'Log in' }).waitFor());
      await signIn(page, email, 'correct horse battery');
      await shoot('new-analysis', () => fillSome(page));

      const running = await start(`${PROMPT} (${theme}, ${size})`);
      await page.goto(`/analyses/${running}`);
      await shoot('live-run', async () => {
        await page.getByRole('button', { name: 'Cancel' }).waitFor();
        await firstText(user, running).then((text) => page.getByText(excerpt(text)).first().waitFor());
      });
      await page.goto(`/analyses/${done.id}`);
      await shoot('result', () => page.getByRole('button', { name: 'Copy answer' }).waitFor());
      await page.goto('/history');
      await shoot('history', () =>
        page
          .getByRole('link', { name: /event sourcing/ })
          .first()
          .waitFor(),
      );
      await page.goto('/patterns');
      await shoot('patterns', () => page.getByText('Council').first().waitFor());
      await page.goto('/settings');
      await shoot('settings', () =>
        page
          .getByRole('tab')
          .or(page.getByRole('link', { name: /keys/i }))
          .first()
          .waitFor(),
      );
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    } finally {
      await watched.context.close();
    }
    expect(failures).toEqual([]);
    expect(unexpectedProblems(watched)).toEqual([]);
  });
});

/** A filled-in New analysis screen, the way a user sees it before running. */
async function fillSome(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: 'Prompt' }).fill(PROMPT);
  for (const model of ['Mock Alpha', 'Mock Beta'])
    await page.getByRole('checkbox', { name: new RegExp(model) }).check();
  await page.getByRole('region', { name: 'Estimate' }).getByText('Model calls').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** The text of the analysis' first finished output, once there is one. */
async function firstText(user: ApiClient, id: string): Promise<string> {
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const { body } = await user.request<AnalysisView>('GET', `/api/analyses/${id}`);
    const text = body.stages.flatMap((s) => s.outputs).find((o) => o.status === 'completed' && o.text)?.text;
    if (text) return text;
  }
  throw new Error(`no output of ${id} finished within 10 s`);
}
