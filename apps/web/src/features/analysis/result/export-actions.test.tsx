import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ExportActions } from './export-actions';

const id = 'a1b2c3d4-0000-4000-8000-000000000001';
let clicked: { href: string; download: string }[];

beforeEach(() => {
  clicked = [];
  vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:x'), revokeObjectURL: vi.fn() }));
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.href, download: this.download });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

it.each([
  ['Export JSON', 'json', 'ultra-a1b2c3d4-20250131.json'],
  ['Export Markdown', 'markdown', 'ultra-a1b2c3d4-20250131.md'],
  ['Export CSV', 'csv', 'ultra-a1b2c3d4-20250131.csv'],
])('%s downloads the export route as the file the gateway names', async (label, format, filename) => {
  const fetchMock = vi
    .fn()
    .mockResolvedValue(
      new Response('body', { status: 200, headers: { 'content-disposition': `attachment; filename="${filename}"` } }),
    );
  vi.stubGlobal('fetch', fetchMock);
  render(<ExportActions analysisId={id} />);
  await userEvent.click(screen.getByRole('button', { name: label }));
  expect(await screen.findByText(`Downloaded ${filename}.`)).toBeInTheDocument();
  expect(fetchMock).toHaveBeenCalledWith(`/api/analyses/${id}/export?format=${format}`, expect.anything());
  expect(clicked).toEqual([{ href: 'blob:x', download: filename }]);
  expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:x');
});

it("shows the API's error and downloads nothing when the export is refused", async () => {
  const refused = { error: { code: 'analysis_not_found', message: 'analysis not found' } };
  vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(JSON.stringify(refused), { status: 404 })));
  render(<ExportActions analysisId={id} />);
  await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('analysis not found');
  expect(clicked).toEqual([]);
});
