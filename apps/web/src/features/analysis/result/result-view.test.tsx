import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import type { AnalysisView } from '@ultra/contracts';
import { afterEach, expect, it, vi } from 'vitest';
import { analysis, councilAnalysis, output, stage } from './result-fixtures';
import { ResultView } from './result-view';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
afterEach(() => vi.unstubAllGlobals());

/** Answers by route; anything else is a 404, so an unexpected call shows up. */
function stubApi(routes: Record<string, unknown>) {
  const fetchMock = vi.fn((path: string, init?: RequestInit) => {
    const body = routes[`${init?.method ?? 'GET'} ${path}`];
    return Promise.resolve(
      body === undefined ? json(404, { error: { code: 'not_found', message: path } }) : json(200, body),
    );
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function renderResult(view: AnalysisView, onChanged = vi.fn()) {
  render(
    <MemoryRouter initialEntries={[`/analyses/${view.id}`]}>
      <Routes>
        <Route path="/analyses/:id" element={<ResultView analysis={view} onChanged={onChanged} />} />
        <Route path="/analyses/new-one" element={<p>the new analysis</p>} />
      </Routes>
    </MemoryRouter>,
  );
  return onChanged;
}

it('shows the answer, copies it, and lists the models by stage and the usage', async () => {
  stubApi({});
  const writeText = vi.fn().mockResolvedValue(undefined);
  vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
  renderResult(councilAnalysis());
  expect(screen.getByRole('heading', { name: 'Answer' })).toBeInTheDocument();
  await userEvent.click(screen.getByRole('button', { name: 'Copy answer' }));
  expect(writeText).toHaveBeenCalledWith('Rayleigh scattering.');
  expect(await screen.findByText('Answer copied.')).toBeInTheDocument();

  expect(screen.getByRole('article', { name: 'mock:beta' })).toHaveTextContent('Beta answer');
  await userEvent.selectOptions(screen.getByLabelText('Stage'), 'Chair');
  expect(screen.queryByRole('article', { name: 'mock:beta' })).toBeNull();

  const usage = screen.getByRole('table', { name: 'Latency, tokens and cost per model' });
  expect(within(usage).getByRole('rowheader', { name: 'Total' }).closest('tr')).toHaveTextContent('$0.0040');
});

it('shows the error of a failed analysis', () => {
  stubApi({});
  renderResult(
    analysis({ status: 'failed', result: null, error: { code: 'all_models_failed', message: 'every model failed' } }),
  );
  expect(screen.getByRole('alert')).toHaveTextContent('every model failed');
  expect(screen.getByRole('alert')).toHaveTextContent('all_models_failed');
});

it('asks a follow-up and opens the new analysis; the thread lists the earlier ones', async () => {
  const view = analysis({ threadId: 'first', parentAnalysisId: 'first' });
  const summary = (id: string, prompt: string) => ({ ...view, id, prompt, stages: undefined });
  const fetchMock = stubApi({
    'GET /api/threads/first': {
      id: 'first',
      analyses: [summary('first', 'What is light?'), summary(view.id, view.prompt)],
    },
    [`POST /api/analyses/${view.id}/follow-ups`]: { id: 'new-one', status: 'queued', threadId: 'first' },
  });
  const onChanged = renderResult(view);
  const thread = await screen.findByRole('navigation', { name: 'Thread' });
  expect(within(thread).getByRole('link', { name: 'What is light?' })).toHaveAttribute('href', '/analyses/first');

  await userEvent.type(screen.getByLabelText('Follow-up question'), 'And sunsets?');
  await userEvent.click(screen.getByRole('button', { name: 'Ask a follow-up' }));
  expect(await screen.findByText('the new analysis')).toBeInTheDocument();
  const [, init] = fetchMock.mock.calls.find(([path]) => path.endsWith('/follow-ups'))!;
  expect(JSON.parse(init?.body as string)).toEqual({ prompt: 'And sunsets?' });
  expect(onChanged).toHaveBeenCalled();
});

it('reruns from a chosen stage with another ultra model and opens the new analysis', async () => {
  const view = councilAnalysis();
  const fetchMock = stubApi({ [`POST /api/analyses/${view.id}/rerun`]: { id: 'new-one', status: 'queued' } });
  renderResult(view);
  await userEvent.selectOptions(screen.getByLabelText('Rerun from stage'), 'Chair');
  await userEvent.selectOptions(screen.getByLabelText('Ultra model'), 'mock:beta');
  await userEvent.click(screen.getByRole('button', { name: 'Rerun' }));
  expect(await screen.findByText('the new analysis')).toBeInTheDocument();
  const [, init] = fetchMock.mock.calls.find(([path]) => path.endsWith('/rerun'))!;
  expect(JSON.parse(init?.body as string)).toEqual({ fromStage: 'chair', ultraModel: 'mock:beta' });
});

it('names the stages a rerun reused', () => {
  stubApi({});
  const reused = { reused: true, usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 } };
  renderResult(
    analysis({
      sourceAnalysisId: 'source-id',
      stages: [stage('answer', 0, [output('mock:alpha', 'A', reused)]), stage('chair', 1, [output('mock:beta', 'C')])],
    }),
  );
  expect(screen.getByRole('link', { name: 'analysis source-id' })).toHaveAttribute('href', '/analyses/source-id');
  expect(screen.getByText(/Reused stages \(no calls, no cost\): Answer$/)).toBeInTheDocument();
});
