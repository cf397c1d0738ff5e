import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useParams } from 'react-router-dom';
import { afterEach, expect, it, vi } from 'vitest';
import { NewAnalysisPage } from './new-analysis-page';
import { bodiesSentTo, estimate, json, models, patterns, stubApi } from './new-analysis.fixtures';

const ANALYZE = 'POST /api/analyze';
const defaults = { models: ['mock:beta', 'mock:alpha'], ultraModel: 'mock:alpha', pattern: 'debate' };

function AnalysisShown() {
  return <p>analysis {useParams().id}</p>;
}

function stubChoices(routes: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /api/available-models': () => json(200, { models }),
    'GET /api/patterns': () => json(200, { patterns }),
    'GET /api/users/me/defaults': () => json(200, defaults),
    'POST /api/analyze/estimate': () => json(200, estimate),
    ...routes,
  });
}

async function renderPage() {
  render(
    <MemoryRouter initialEntries={['/analyses/new']}>
      <Routes>
        <Route path="/analyses/new" element={<NewAnalysisPage />} />
        <Route path="/analyses/:id" element={<AnalysisShown />} />
      </Routes>
    </MemoryRouter>,
  );
  return screen.findByLabelText('Prompt');
}

afterEach(() => vi.unstubAllGlobals());

it('starts from the default panel, runs the analysis and goes to its page', async () => {
  const fetchMock = stubChoices({ [ANALYZE]: () => json(202, { id: 'a-1', status: 'queued', links: {} }) });
  const prompt = await renderPage();
  expect(screen.getByRole('checkbox', { name: 'Mock Alpha' })).toBeChecked();
  expect(screen.getByRole('checkbox', { name: 'Mock Beta' })).toBeChecked();
  expect(screen.getByRole('radio', { name: 'Mock Alpha' })).toBeChecked();
  expect(screen.getByLabelText('Pattern')).toHaveValue('debate');
  expect(within(screen.getByRole('list', { name: 'Stages' })).getAllByRole('listitem')).toHaveLength(3);

  await userEvent.type(prompt, 'Is tea better than coffee?');
  await userEvent.clear(screen.getByLabelText('Rounds'));
  await userEvent.type(screen.getByLabelText('Rounds'), '3');
  await userEvent.type(screen.getByLabelText('Temperature'), '0.4');
  await userEvent.click(screen.getByRole('radio', { name: 'Mock Beta' }));
  await userEvent.click(screen.getByRole('button', { name: 'Run analysis' }));

  expect(await screen.findByText('analysis a-1')).toBeInTheDocument();
  expect(bodiesSentTo(fetchMock, ANALYZE)).toEqual([
    {
      prompt: 'Is tea better than coffee?',
      models: ['mock:beta', 'mock:alpha'],
      ultraModel: 'mock:beta',
      pattern: 'debate',
      params: { rounds: 3 },
      options: { temperature: 0.4 },
    },
  ]);
});

it('estimates the same body it would run', async () => {
  const fetchMock = stubChoices();
  const prompt = await renderPage();
  await userEvent.type(prompt, 'Why?');
  const region = screen.getByRole('region', { name: 'Estimate' });
  expect(await within(region).findByText('$0.0003–$0.013')).toBeInTheDocument();
  expect(bodiesSentTo(fetchMock, 'POST /api/analyze/estimate').at(-1)).toEqual({
    prompt: 'Why?',
    models: ['mock:beta', 'mock:alpha'],
    ultraModel: 'mock:alpha',
    pattern: 'debate',
    params: { rounds: 2 },
  });
});

it("shows the API's validation errors next to their fields", async () => {
  const problems = [
    { path: 'prompt', message: 'prompt must be at most 10 characters (got 26)' },
    { path: 'params.rounds', message: 'rounds must be between 1 and 5 (got 9)' },
  ];
  stubChoices({
    [ANALYZE]: () =>
      json(400, { error: { code: 'validation_failed', message: 'prompt is too long', details: problems } }),
  });
  const prompt = await renderPage();
  await userEvent.type(prompt, 'Is tea better than coffee?');
  await userEvent.click(screen.getByRole('button', { name: 'Run analysis' }));

  expect(await screen.findByText(problems[0].message)).toBeInTheDocument();
  expect(prompt).toHaveAttribute('aria-invalid', 'true');
  expect(prompt).toHaveAccessibleDescription(expect.stringContaining(problems[0].message));
  expect(screen.getByLabelText('Rounds')).toHaveAccessibleDescription(expect.stringContaining(problems[1].message));
  expect(screen.getByRole('alert')).toHaveTextContent('prompt is too long');
  expect(screen.getByRole('button', { name: 'Run analysis' })).toBeEnabled();
});

it('keeps the ultra model among the chosen models, and resets parameters with the pattern', async () => {
  stubChoices({ 'GET /api/users/me/defaults': () => json(200, { models: [], ultraModel: null, pattern: null }) });
  await renderPage();
  expect(screen.getByLabelText('Pattern')).toHaveValue('confidence');
  await userEvent.click(screen.getByRole('checkbox', { name: 'Mock Beta' }));
  await userEvent.click(screen.getByRole('checkbox', { name: 'Claude Y' }));
  expect(screen.getByRole('radio', { name: 'Mock Beta' })).toBeChecked();
  await userEvent.click(screen.getByRole('checkbox', { name: 'Mock Beta' }));
  expect(screen.getByRole('radio', { name: 'Claude Y' })).toBeChecked();

  await userEvent.selectOptions(screen.getByLabelText('Pattern'), 'debate');
  expect(screen.getByLabelText('Rounds')).toHaveValue(2);
  expect(screen.getByText('Models argue over several rounds.')).toBeInTheDocument();
});

it('uploads documents from the file input and from a drop, and detaches them', async () => {
  let n = 0;
  const fetchMock = stubChoices({
    'POST /api/documents': (init) => {
      const file = (init.body as FormData).get('file') as File;
      if (file.name === 'huge.pdf') {
        return json(413, { error: { code: 'payload_too_large', message: 'the file is larger than 10 bytes' } });
      }
      n += 1;
      return json(201, { id: `d${n}`, name: file.name, type: 'text', characters: 40, tokens: 10, createdAt: '' });
    },
    [ANALYZE]: () => json(202, { id: 'a-2', status: 'queued', links: {} }),
  });
  const prompt = await renderPage();
  await userEvent.upload(
    screen.getByLabelText('Attach documents'),
    new File(['notes'], 'notes.txt', { type: 'text/plain' }),
  );
  const attached = await screen.findByRole('list', { name: 'Attached documents' });
  expect(within(attached).getByText('notes.txt')).toBeInTheDocument();

  const dropped = [new File(['more'], 'more.md', { type: 'text/markdown' }), new File(['x'], 'huge.pdf')];
  fireEvent.drop(prompt, { dataTransfer: { files: dropped, types: ['Files'] } });
  expect(await within(attached).findByText('more.md')).toBeInTheDocument();
  expect(await screen.findByText('huge.pdf: the file is larger than 10 bytes')).toBeInTheDocument();

  await userEvent.click(screen.getByRole('button', { name: 'Remove notes.txt' }));
  expect(within(attached).queryByText('notes.txt')).not.toBeInTheDocument();
  await userEvent.type(prompt, 'Summarise');
  await userEvent.click(screen.getByRole('button', { name: 'Run analysis' }));
  await screen.findByText('analysis a-2');
  expect(bodiesSentTo(fetchMock, ANALYZE)[0]).toMatchObject({ documentIds: ['d2'] });
});

it('offers to try again when the models cannot be loaded', async () => {
  let fail = true;
  stubChoices({
    'GET /api/available-models': () =>
      fail ? json(503, { error: { code: 'unavailable', message: 'Redis is down' } }) : json(200, { models }),
  });
  render(
    <MemoryRouter>
      <NewAnalysisPage />
    </MemoryRouter>,
  );
  expect(await screen.findByRole('alert')).toHaveTextContent('Redis is down');
  fail = false;
  await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
  await waitFor(() => expect(screen.getByLabelText('Prompt')).toBeInTheDocument());
});
