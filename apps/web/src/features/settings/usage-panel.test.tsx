import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { json, renderSettings, stubApi } from './settings-test-kit';

const report = {
  day: '2026-11-30',
  requests: 42,
  analyses: 3,
  inputTokens: 5120,
  outputTokens: 2210,
  costUsd: 0.8,
  limits: { tier: 'free', requestsPerMinute: 60, analysesPerMinute: 10, dailyBudgetUsd: 1 },
  resetsAt: '2026-12-01T00:00:00.000Z',
};

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it("renders today's spend as a meter against the budget, and the counters as numbers", async () => {
  stubApi({ 'GET /api/users/me/usage': report });
  renderSettings('/settings/usage');
  const meter = await screen.findByRole('meter', { name: "Today's spend against your daily budget" });
  expect(meter).toHaveAttribute('value', '0.8');
  expect(meter).toHaveAttribute('max', '1');
  expect(meter).toHaveAttribute('aria-valuetext', '$0.8000 of $1.0000 (80.0%)');
  expect(screen.getByText('$0.8000 of $1.0000 (80.0%)')).toBeInTheDocument();
  expect(screen.getByText(/on the/)).toHaveTextContent('Figures for 2026-11-30 (UTC) on the free tier');

  const cells = (measure: string) =>
    within(screen.getByRole('rowheader', { name: measure }).closest('tr')!)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
  expect(cells('Analyses')).toEqual(['3', '10 a minute']);
  expect(cells('Requests')).toEqual(['42', '60 a minute']);
  expect(cells('Input tokens')).toEqual([(5120).toLocaleString(), '—']);
  expect(cells('Output tokens')).toEqual([(2210).toLocaleString(), '—']);
  expect(cells('Cost')).toEqual(['$0.8000', '$1.0000 a day']);
});

it('says so when the budget is used up, and refreshes on demand', async () => {
  const user = userEvent.setup();
  let cost = 1.2;
  stubApi({ 'GET /api/users/me/usage': () => ({ ...report, costUsd: cost }) });
  renderSettings('/settings/usage');
  const meter = await screen.findByRole('meter');
  // The meter stops at its maximum; the text keeps the real figure.
  expect(meter).toHaveAttribute('value', '1');
  expect(screen.getByText(/the budget is used up/)).toHaveTextContent('$1.2000 of $1.0000 (100.0%)');
  cost = 0.25;
  await user.click(screen.getByRole('button', { name: 'Refresh usage' }));
  expect(await screen.findByText('$0.2500 of $1.0000 (25.0%)')).toBeInTheDocument();
});

it('shows the error when usage cannot be read', async () => {
  stubApi({
    'GET /api/users/me/usage': json(503, { error: { code: 'service_unavailable', message: 'Redis is away' } }),
  });
  renderSettings('/settings/usage');
  expect(await screen.findByRole('alert')).toHaveTextContent('Redis is away');
});
