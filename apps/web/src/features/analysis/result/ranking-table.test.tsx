import { render, screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { PatternViews } from './pattern-views';
import { councilAnalysis } from './result-fixtures';

it("shows the council's Borda ranking, best first, with points, mean position and first places", () => {
  render(<PatternViews analysis={councilAnalysis()} />);
  expect(screen.getByRole('heading', { name: 'Borda count' })).toBeInTheDocument();
  const table = screen.getByRole('table', { name: /Peer ranking, Borda count over 2 rankings/ });
  const rows = within(table).getAllByRole('row').slice(1);
  expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([
    'mock:beta',
    'mock:alpha',
    'mock:gamma',
  ]);
  expect(
    within(rows[0])
      .getAllByRole('cell')
      .map((c) => c.textContent),
  ).toEqual(['1', '3', '1', '2']);
  expect(within(rows[2]).getByText('not ranked')).toBeInTheDocument();
  expect(screen.getByText('1 rankings could not be read')).toBeInTheDocument();
});

it('falls back to the result data when no aggregate stage is listed', () => {
  const council = councilAnalysis();
  render(<PatternViews analysis={{ ...council, stages: [] }} />);
  expect(screen.getByRole('heading', { name: 'ranking' })).toBeInTheDocument();
  expect(screen.getByRole('table', { name: /Peer ranking/ })).toBeInTheDocument();
});
