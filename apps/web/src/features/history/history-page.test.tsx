import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AnalysisSummary } from '@ultra/contracts';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HistoryPage } from './history-page';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

const summary = (id: string, prompt: string, costUsd = 0): AnalysisSummary => ({
  id,
  status: 'completed',
  pattern: 'critique',
  models: ['mock:alpha', 'mock:beta'],
  ultraModel: 'mock:alpha',
  prompt,
  createdAt: '2025-01-31T12:00:00.000Z',
  updatedAt: '2025-01-31T12:01:00.000Z',
  completedAt: '2025-01-31T12:01:00.000Z',
  usage: { inputTokens: 120, outputTokens: 40, costUsd },
});

/** Answers the listing from `pages` by cursor, and the suggestion lists with nothing. */
function stubApi(pages: Record<string, { analyses: AnalysisSummary[]; nextCursor: string | null }>) {
  const fetchMock = vi.fn((input: string) => {
    const url = new URL(input, 'http://localhost');
    if (url.pathname === '/api/patterns') return Promise.resolve(json(200, { patterns: [] }));
    if (url.pathname === '/api/available-models') return Promise.resolve(json(200, { models: [] }));
    const page = pages[url.searchParams.get('cursor') ?? 'first'];
    return Promise.resolve(
      page ? json(200, page) : json(400, { error: { code: 'bad_cursor', message: 'bad cursor' } }),
    );
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const listingUrls = (fetchMock: ReturnType<typeof stubApi>) =>
  fetchMock.mock.calls.map(([input]) => input).filter((u) => u.startsWith('/api/analyses'));

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it('maps the filters onto the query parameters of GET /api/analyses', async () => {
  const fetchMock = stubApi({ first: { analyses: [summary('a1', 'Why is the sky blue?')], nextCursor: null } });
  render(
    <MemoryRouter initialEntries={['/history']}>
      <HistoryPage />
    </MemoryRouter>,
  );
  expect(await screen.findByRole('link', { name: 'Why is the sky blue?' })).toHaveAttribute('href', '/analyses/a1');
  expect(listingUrls(fetchMock)).toEqual(['/api/analyses?limit=20']);

  await userEvent.selectOptions(screen.getByLabelText('Status'), 'failed');
  await userEvent.type(screen.getByLabelText('Pattern'), 'council');
  await userEvent.type(screen.getByLabelText('Model'), 'mock:beta');
  await userEvent.type(screen.getByLabelText('From'), '2025-01-01');
  await userEvent.type(screen.getByLabelText('To'), '2025-01-31');
  await userEvent.type(screen.getByLabelText('Search'), '"blue sky" -green');
  await userEvent.click(screen.getByRole('button', { name: 'Search' }));

  await vi.waitFor(() =>
    expect(listingUrls(fetchMock).at(-1)).toBe(
      '/api/analyses?q=%22blue+sky%22+-green&status=failed&pattern=council&model=mock%3Abeta' +
        '&from=2025-01-01&to=2025-01-31&limit=20',
    ),
  );
});

it('"Load more" asks for the next cursor and appends its page', async () => {
  const fetchMock = stubApi({
    first: { analyses: [summary('a1', 'First prompt', 0.0123), summary('a2', 'Second prompt')], nextCursor: 'c2' },
    c2: { analyses: [summary('a3', 'Third prompt')], nextCursor: null },
  });
  render(
    <MemoryRouter initialEntries={['/history?status=completed']}>
      <HistoryPage />
    </MemoryRouter>,
  );
  await screen.findByRole('link', { name: 'First prompt' });
  await userEvent.click(screen.getByRole('button', { name: 'Load more' }));

  await screen.findByRole('link', { name: 'Third prompt' });
  const rows = within(screen.getByRole('table')).getAllByRole('row');
  expect(rows.map((r) => within(r).queryByRole('link')?.textContent ?? 'header')).toEqual([
    'header',
    'First prompt',
    'Second prompt',
    'Third prompt',
  ]);
  // Each row's cost is its listed usage total.
  const costOf = (row: HTMLElement) => within(row).getAllByRole('cell')[4]?.textContent;
  expect(costOf(rows[1])).toMatch(/^\$0\.0123$|0[.,]0123/);
  expect(costOf(rows[2])).toMatch(/0[.,]00/);
  expect(listingUrls(fetchMock).at(-1)).toBe('/api/analyses?status=completed&limit=20&cursor=c2');
  expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
});

it('says so when nothing matches, and shows the API error otherwise', async () => {
  stubApi({ first: { analyses: [], nextCursor: null } });
  render(
    <MemoryRouter initialEntries={['/history?q=nothing']}>
      <HistoryPage />
    </MemoryRouter>,
  );
  expect(await screen.findByRole('heading', { name: 'No analyses match these filters.' })).toBeInTheDocument();
  vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(503, { error: { code: 'unavailable', message: 'down' } })));
  await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('down');
});
