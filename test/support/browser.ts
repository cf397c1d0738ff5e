// Functions passed to page.evaluate run in the browser: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, see .ci/run); playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless and off the network: no updates, sync, metrics or component downloads, and every host name but the
 * stack's 127.0.0.1 resolves to nothing, so a stray request fails here instead of leaving the machine.
 */
const OFFLINE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--metrics-recording-only',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;
export type Size = 'desktop' | 'phone';
export type Theme = 'light' | 'dark';
export const SIZES: Record<Size, { width: number; height: number }> = { desktop: DESKTOP, phone: PHONE };

/** One browser per test file; close it in afterAll. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: OFFLINE_ARGS, timeout: 30_000 });
}

/** A page of its own context (own storage, so its own session) with what went wrong in it collected. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions, failed requests and 5xx answers, in order. */
  problems: string[];
}

export interface PageOptions {
  size?: Size;
  /** Stored as the app's 'ultra.theme' before any script of the page runs. */
  theme?: Theme;
}

export async function openPage(browser: Browser, baseUrl: string, options: PageOptions = {}): Promise<WatchedPage> {
  const phone = options.size === 'phone';
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: SIZES[options.size ?? 'desktop'],
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    colorScheme: options.theme ?? 'light',
    permissions: ['clipboard-read', 'clipboard-write'],
    acceptDownloads: true,
  });
  if (options.theme) {
    await context.addInitScript((theme) => localStorage.setItem('ultra.theme', theme), options.theme);
  }
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    // A request the page itself gave up (an event stream closed on leaving the page, an aborted fetch) is no fault.
    if (failure === 'net::ERR_ABORTED') return;
    problems.push(`request: ${request.method()} ${request.url()} ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`response: ${response.status()} ${response.url()}`);
  });
  return { page, context, problems };
}

/**
 * The problems of a page, minus those a test expects (e.g. the 401 "Failed to load resource" a wrong password
 * logs): what the test asserts is empty.
 */
export function unexpectedProblems(watched: WatchedPage, expected: RegExp[] = []): string[] {
  return watched.problems.filter((p) => !expected.some((e) => e.test(p)));
}

export const PASSWORD = 'correct horse battery staple';

/** Signs up (or logs in) through the app's own form; the app lands on New analysis. */
export async function signIn(page: Page, email: string, password = PASSWORD, mode: 'signup' | 'login' = 'login') {
  await page.goto(`/${mode}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: mode === 'signup' ? 'Sign up' : 'Log in' }).click();
  await page.waitForURL('**/analyses/new');
}

export interface AnalysisForm {
  prompt: string;
  pattern: string;
  /** Display names (or a distinctive part) of the models to pick, e.g. 'Mock Alpha'. */
  models: string[];
  ultra: string;
}

/** Fills the New analysis screen by its labels: prompt, model checkboxes, ultra model radio, pattern. */
export async function fillNewAnalysis(page: Page, form: AnalysisForm): Promise<void> {
  await page.getByRole('textbox', { name: 'Prompt' }).fill(form.prompt);
  for (const model of form.models) await page.getByRole('checkbox', { name: new RegExp(model) }).check();
  await page.getByRole('radio', { name: new RegExp(form.ultra) }).check();
  await choosePattern(page, form.pattern);
}

/** The pattern picker may be a select labelled "Pattern" or a list of radios named by the patterns. */
export async function choosePattern(page: Page, pattern: string): Promise<void> {
  const select = page.getByRole('combobox', { name: 'Pattern' });
  if (await select.count()) {
    await select.selectOption({ value: pattern }).catch(() => select.selectOption({ label: titleCase(pattern) }));
    return;
  }
  await page.getByRole('radio', { name: new RegExp(`^${titleCase(pattern)}\\b`) }).check();
}

const titleCase = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ');

/** The id of the analysis a page shows (/analyses/:id). */
export function analysisIdOf(page: Page): string {
  const match = /\/analyses\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!match || match[1] === 'new') throw new Error(`not an analysis page: ${page.url()}`);
  return match[1];
}

const SCREENSHOTS = resolve(__dirname, '../../docs/screenshots');

/** docs/screenshots/<screen>-<theme>-<size>.png, the README's screenshots. */
export async function screenshot(page: Page, screen: string, theme: Theme, size: Size): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${screen}-${theme}-${size}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}

/** Presses Tab until `target` has the focus; fails naming what had it instead. */
export async function tabTo(page: Page, target: Locator, most = 80): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((el) => el === document.activeElement, undefined, { timeout: 1_000 })) return;
    await page.keyboard.press('Tab');
  }
  const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`Tab never reached ${target.toString()}; focus is on ${focused}`);
}

/** A stretch of plain words of a model's answer that reads the same as text and as rendered Markdown. */
export function excerpt(text: string): string {
  const plain = text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /^[A-Za-z][A-Za-z0-9 ,;'-]{24,}/.test(line));
  const start = plain ?? text.trim();
  return (/^[A-Za-z][A-Za-z0-9 ,;'-]{0,40}/.exec(start)?.[0] ?? start.slice(0, 30)).trim();
}
