import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { PatternSpec } from '@ultra/contracts';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { json, refusal, stubApi } from './pattern-fetch-stub';
import { PatternEditPage, PatternsPage } from './patterns-page';

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
  const api = stubApi({
    'GET /api/patterns/mine': () => json(200, { pattern: info, spec }),
    'PUT /api/patterns/mine': refusal('invalid_pattern', 'invalid pattern: stages.0.label: too short', [
      { path: 'stages.0.label', message: 'label must not be empty' },
    ]),
  });
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

  expect(api.sent()[1]).toEqual({
    method: 'PUT',
    url: '/api/patterns/mine',
    contentType: 'application/yaml',
    body: 'id: mine\nname: Mine\ndescription: Mine\nstages:\n  - id: answer\n    label: ""\n',
  });
});

it('reads edited YAML back into the form, and says why when it cannot', async () => {
  stubApi({ 'GET /api/patterns/mine': () => json(200, { pattern: info, spec }) });
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
  const message = 'the YAML body is not valid: line 2, column 3: Nested mappings are not allowed';
  const api = stubApi({ 'POST /api/patterns': refusal('validation_failed', message, [{ path: 'body', message }]) });
  renderAt('/patterns/new');
  await userEvent.click(screen.getByRole('radio', { name: 'YAML' }));
  await userEvent.type(screen.getByLabelText('Pattern YAML'), 'id: x\n  name: y: z');
  await userEvent.click(screen.getByRole('button', { name: 'Save pattern' }));
  const problems = await screen.findByRole('heading', { name: 'Problems' });
  expect(problems.parentElement).toHaveTextContent('Line 2: the YAML body is not valid');
  expect(api.sent().map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/patterns']);
});

it('creates from the form as JSON, then deletes after confirmation', async () => {
  const api = stubApi({
    'POST /api/patterns': () => json(201, { pattern: info, spec }),
    'GET /api/patterns/mine': () => json(200, { pattern: info, spec }),
    'DELETE /api/patterns/mine': () => json(204, null),
    'GET /api/patterns': () => json(200, { patterns: [] }),
  });
  renderAt('/patterns/new');
  await userEvent.type(screen.getByLabelText('Id'), 'mine');
  await userEvent.type(screen.getByLabelText('Name'), 'Mine');
  await userEvent.type(screen.getByLabelText('Description'), 'My pattern');
  await userEvent.click(screen.getByRole('button', { name: 'Save pattern' }));

  expect(await screen.findByRole('heading', { name: 'Edit Mine' })).toBeInTheDocument();
  const [created] = api.sent();
  expect(created.contentType).toBe('application/json');
  expect(JSON.parse(created.body as string)).toMatchObject({ id: 'mine', name: 'Mine', stages: [{ id: 'stage-1' }] });

  await userEvent.click(screen.getByRole('button', { name: 'Delete pattern' }));
  const confirm = screen.getByRole('group', { name: 'Confirm deletion' });
  expect(api.sent()).toHaveLength(2);
  await userEvent.click(within(confirm).getByRole('button', { name: 'Yes, delete' }));
  expect(await screen.findByText('Deleted “Mine”.')).toBeInTheDocument();
  expect(api.sent()[2]).toMatchObject({ method: 'DELETE', url: '/api/patterns/mine' });
});
