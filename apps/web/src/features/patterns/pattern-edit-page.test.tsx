import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { PatternSpec } from '@ultra/contracts';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { PatternEditPage, PatternsPage } from './patterns-page';

const json = (status: number, body: unknown) => new Response(body === null ? null : JSON.stringify(body), { status });

const spec = {
  id: 'mine',
  name: 'Mine',
  description: 'My pattern',
  params: {},
  stages: [{ id: 'answer', label: 'Answer', kind: 'generate', participants: 'all', prompt: { user: '{{question}}' } }],
} as PatternSpec;
const info = { id: 'mine', name: 'Mine', description: 'My pattern', source: 'user', params: {}, stages: [] };

function renderAt(path: string) {
  render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/patterns" element={<PatternsPage />} />
        <Route path="/patterns/new" element={<PatternEditPage />} />
        <Route path="/patterns/:id" element={<PatternEditPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it('saves YAML as application/yaml and shows the API’s problems with their lines', async () => {
  const fetchMock = vi
    .fn()
    .mockResolvedValueOnce(json(200, { pattern: info, spec }))
    .mockResolvedValueOnce(
      json(400, {
        error: {
          code: 'invalid_pattern',
          message: 'invalid pattern: stages.0.label: too short',
          details: [{ path: 'stages.0.label', message: 'label must not be empty' }],
        },
      }),
    );
  vi.stubGlobal('fetch', fetchMock);
  renderAt('/patterns/mine');
  await userEvent.click(await screen.findByRole('radio', { name: 'YAML' }));
  const yaml = screen.getByLabelText('Pattern YAML');
  expect(yaml).toHaveValue(
    'id: mine\nname: Mine\ndescription: My pattern\nstages:\n  - id: answer\n    label: Answer\n' +
      '    kind: generate\n    participants: all\n    prompt:\n      user: "{{question}}"\n',
  );
  await userEvent.clear(yaml);
  await userEvent.type(yaml, 'id: mine\nname: Mine\ndescription: Mine\nstages:\n  - id: answer\n    label: ""\n');
  await userEvent.click(screen.getByRole('button', { name: 'Save pattern' }));

  const problems = await screen.findByRole('heading', { name: 'Problems' });
  expect(problems.parentElement).toHaveTextContent('Line 6: stages.0.label label must not be empty');
  expect(yaml).toHaveAttribute('aria-invalid', 'true');
  expect(screen.getByRole('alert')).toHaveTextContent('invalid pattern');

  const [url, init] = fetchMock.mock.calls[1] as [string, RequestInit];
  expect(url).toBe('/api/patterns/mine');
  expect(init.method).toBe('PUT');
  expect(new Headers(init.headers).get('content-type')).toBe('application/yaml');
  expect(init.body).toBe('id: mine\nname: Mine\ndescription: Mine\nstages:\n  - id: answer\n    label: ""\n');
});

it('reads edited YAML back into the form, and says why when it cannot', async () => {
  vi.stubGlobal('fetch', vi.fn().mockResolvedValue(json(200, { pattern: info, spec })));
  renderAt('/patterns/mine');
  await userEvent.click(await screen.findByRole('radio', { name: 'YAML' }));
  const yaml = screen.getByLabelText('Pattern YAML');
  await userEvent.clear(yaml);
  await userEvent.click(yaml);
  await userEvent.paste(
    'id: mine\nname: Renamed  # by hand\ndescription: Mine\nstages:\n- id: answer\n  label: Answer\n' +
      '  kind: generate\n  participants: all\n  prompt:\n    user: |\n      {{question}}\n      Be brief.\n',
  );
  await userEvent.click(screen.getByRole('radio', { name: 'Form' }));
  expect(screen.getByLabelText('Name')).toHaveValue('Renamed');
  expect(screen.getByLabelText('User prompt')).toHaveValue('{{question}}\nBe brief.\n');

  await userEvent.click(screen.getByRole('radio', { name: 'YAML' }));
  await userEvent.type(screen.getByLabelText('Pattern YAML'), 'oops: [[');
  await userEvent.click(screen.getByRole('radio', { name: 'Form' }));
  expect(screen.getByRole('alert')).toHaveTextContent(/The form cannot read this YAML: .*line \d+/);
  expect(screen.getByLabelText('Pattern YAML')).toBeInTheDocument();
  await userEvent.click(screen.getByRole('button', { name: 'Discard YAML edits' }));
  expect(screen.getByLabelText('Name')).toHaveValue('Renamed');
});

it('shows a YAML syntax error at the line the API names', async () => {
  const fetchMock = vi.fn().mockResolvedValue(
    json(400, {
      error: {
        code: 'validation_failed',
        message: 'the YAML body is not valid: line 2, column 3: Nested mappings are not allowed',
        details: [
          { path: 'body', message: 'the YAML body is not valid: line 2, column 3: Nested mappings are not allowed' },
        ],
      },
    }),
  );
  vi.stubGlobal('fetch', fetchMock);
  renderAt('/patterns/new');
  await userEvent.click(screen.getByRole('radio', { name: 'YAML' }));
  await userEvent.type(screen.getByLabelText('Pattern YAML'), 'id: x\n  name: y: z');
  await userEvent.click(screen.getByRole('button', { name: 'Save pattern' }));
  const problems = await screen.findByRole('heading', { name: 'Problems' });
  expect(problems.parentElement).toHaveTextContent('Line 2: the YAML body is not valid');
  const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
  expect([url, init.method]).toEqual(['/api/patterns', 'POST']);
});

it('creates from the form as JSON, then deletes after confirmation', async () => {
  const fetchMock = vi
    .fn()
    .mockResolvedValueOnce(json(201, { pattern: info, spec }))
    .mockResolvedValueOnce(json(200, { pattern: info, spec }))
    .mockResolvedValueOnce(json(204, null))
    .mockResolvedValueOnce(json(200, { patterns: [] }));
  vi.stubGlobal('fetch', fetchMock);
  renderAt('/patterns/new');
  await userEvent.type(screen.getByLabelText('Id'), 'mine');
  await userEvent.type(screen.getByLabelText('Name'), 'Mine');
  await userEvent.type(screen.getByLabelText('Description'), 'My pattern');
  await userEvent.click(screen.getByRole('button', { name: 'Save pattern' }));

  expect(await screen.findByRole('heading', { name: 'Edit Mine' })).toBeInTheDocument();
  const [, init] = fetchMock.mock.calls[0] as [string, RequestInit];
  expect(new Headers(init.headers).get('content-type')).toBe('application/json');
  expect(JSON.parse(init.body as string)).toMatchObject({ id: 'mine', name: 'Mine', stages: [{ id: 'stage-1' }] });

  await userEvent.click(screen.getByRole('button', { name: 'Delete pattern' }));
  const confirm = screen.getByRole('group', { name: 'Confirm deletion' });
  expect(fetchMock).toHaveBeenCalledTimes(2);
  await userEvent.click(within(confirm).getByRole('button', { name: 'Yes, delete' }));
  expect(await screen.findByText('Deleted “Mine”.')).toBeInTheDocument();
  expect(fetchMock.mock.calls[2][0]).toBe('/api/patterns/mine');
  expect((fetchMock.mock.calls[2][1] as RequestInit).method).toBe('DELETE');
});
