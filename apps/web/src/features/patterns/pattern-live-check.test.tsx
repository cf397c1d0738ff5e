import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { PatternSpec } from '@ultra/contracts';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { json, refusal, stubApi } from './pattern-fetch-stub';
import { PatternEditPage } from './patterns-page';
import { CHECK_DELAY_MS } from './use-pattern-check';

const spec = {
  id: 'mine',
  name: 'Mine',
  description: 'My pattern',
  params: {},
  stages: [{ id: 'answer', label: 'Answer', kind: 'generate', participants: 'all', prompt: { user: '{{question}}' } }],
} as PatternSpec;
const info = { id: 'mine', name: 'Mine', description: 'My pattern', source: 'user', params: {}, stages: [] };
const loadMine = { 'GET /api/patterns/mine': () => json(200, { pattern: info, spec }) };
const valid = () => json(200, { valid: true, pattern: spec });
const BROKEN_YAML = 'id: mine\nname: Mine\ndescription: Mine\nstages:\n  - id: answer\n    label: ""\n';
const labelProblem = refusal('invalid_pattern', 'invalid pattern', [
  { path: 'stages.0.label', message: 'label must not be empty' },
]);
const user = userEvent.setup({ delay: null });
/** Longer than the pause the editor waits for, so a check that was going to be sent has been. */
const afterPause = () => new Promise((resolve) => setTimeout(resolve, CHECK_DELAY_MS + 150));

function renderAt(path: string) {
  render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/patterns/new" element={<PatternEditPage />} />
        <Route path="/patterns/:id" element={<PatternEditPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it('checks the YAML once typing pauses and shows the problems at their lines, then "Valid." once fixed', async () => {
  const api = stubApi({ ...loadMine, 'POST /api/patterns/validate': [labelProblem, valid] });
  renderAt('/patterns/mine');
  await user.click(await screen.findByRole('radio', { name: 'YAML' }));
  await afterPause();
  expect(api.checks()).toHaveLength(0);

  const yaml = screen.getByLabelText('Pattern YAML');
  await user.clear(yaml);
  await user.type(yaml, BROKEN_YAML);
  const problems = await screen.findByRole('heading', { name: 'Problems' });
  expect(problems.parentElement).toHaveTextContent('Line 6: stages.0.label label must not be empty');
  expect(screen.getByRole('status')).toHaveTextContent('1 problem.');
  expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  expect(api.checks()).toEqual([
    { method: 'POST', url: '/api/patterns/validate', contentType: 'application/yaml', body: BROKEN_YAML },
  ]);

  await user.type(yaml, '{Backspace}{Backspace}{Backspace}Answer"\n');
  await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Valid.'));
  expect(screen.queryByRole('heading', { name: 'Problems' })).not.toBeInTheDocument();
  expect(api.checks()).toHaveLength(2);
  expect(api.sent().map((r) => r.method)).toEqual(['GET']);
});

it('checks the form as JSON and marks the fields the API names', async () => {
  const api = stubApi({
    'POST /api/patterns/validate': refusal('invalid_pattern', 'invalid pattern', [
      { path: 'id', message: 'must be a slug' },
    ]),
  });
  renderAt('/patterns/new');
  await user.type(screen.getByLabelText('Id'), 'Not A Slug');
  const problems = await screen.findByRole('heading', { name: 'Problems' });
  expect(problems.parentElement).toHaveTextContent('id must be a slug');
  expect(screen.getByLabelText('Id')).toHaveAccessibleDescription(expect.stringContaining('must be a slug'));
  // One check per pause, not one per keystroke.
  expect(api.checks()).toHaveLength(1);
  expect(api.checks()[0].contentType).toBe('application/json');
  expect(JSON.parse(api.checks()[0].body as string)).toMatchObject({ id: 'Not A Slug', stages: [{ id: 'stage-1' }] });
});

it('ignores the answer to an older text that arrives after the newer one', async () => {
  let answerFirst: (response: Response) => void = () => undefined;
  const first = new Promise<Response>((resolve) => (answerFirst = resolve));
  stubApi({ ...loadMine, 'POST /api/patterns/validate': [() => first, valid] });
  renderAt('/patterns/mine');
  const name = await screen.findByLabelText('Name');
  await user.type(name, ' one');
  await afterPause();
  await user.type(name, ' two');
  await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Valid.'));

  answerFirst(labelProblem());
  await afterPause();
  expect(screen.getByRole('status')).toHaveTextContent('Valid.');
  expect(screen.queryByRole('heading', { name: 'Problems' })).not.toBeInTheDocument();
});

it('saves as before, and does not check the saved document again', async () => {
  const api = stubApi({ ...loadMine, 'PUT /api/patterns/mine': () => json(200, { pattern: info, spec }) });
  renderAt('/patterns/mine');
  await user.type(await screen.findByLabelText('Name'), '!');
  await user.click(screen.getByRole('button', { name: 'Save pattern' }));
  expect(await screen.findByText('Saved.')).toBeInTheDocument();
  await afterPause();
  expect(screen.getByRole('status')).toHaveTextContent('Saved.');
  expect(api.sent().map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/patterns/mine', 'PUT /api/patterns/mine']);
  expect(api.checks()).toHaveLength(0);
});

it('says quietly when the check could not run, keeping the editor usable', async () => {
  stubApi({
    ...loadMine,
    'POST /api/patterns/validate': () => json(429, { error: { code: 'rate_limited', message: 'too many requests' } }),
  });
  renderAt('/patterns/mine');
  await user.type(await screen.findByLabelText('Name'), '!');
  await waitFor(() =>
    expect(screen.getByRole('status')).toHaveTextContent('Could not check the latest edits: too many requests'),
  );
  expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  expect(screen.getByRole('button', { name: 'Save pattern' })).toBeEnabled();
});
