import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import type { AnalysisView, StageView } from '@ultra/contracts';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AnalysisPage } from '../analysis-page';

/** Stands in for the browser's EventSource: the test opens it, sends it events and breaks it. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, ((message: MessageEvent<string>) => void)[]>();
  private sent = 0;

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (message: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  open() {
    act(() => {
      this.readyState = FakeEventSource.OPEN;
      this.onopen?.();
    });
  }
  send(event: { type: string } & Record<string, unknown>) {
    const data = JSON.stringify({ analysisId: 'a1', at: new Date().toISOString(), ...event });
    const message = new MessageEvent(event.type, { data, lastEventId: `1700000000000-${++this.sent}` });
    act(() => this.listeners.get(event.type)?.forEach((listener) => listener(message)));
  }
  fail() {
    act(() => {
      this.readyState = FakeEventSource.CLOSED;
      this.onerror?.();
    });
  }
}

const pending = (id: string, label: string): StageView => ({
  name: id,
  id,
  label,
  kind: 'generate',
  index: null,
  round: 1,
  status: 'pending',
  outputs: [],
  usage: { inputTokens: 0, outputTokens: 0 },
});

function view(status: AnalysisView['status'], stages: StageView[] = [pending('answer', 'Answer')]): AnalysisView {
  return {
    id: 'a1',
    status,
    pattern: 'critique',
    models: ['mock:alpha', 'mock:beta'],
    ultraModel: 'mock:alpha',
    prompt: 'Why is the sky blue?',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    completedAt: null,
    stages,
    result: null,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    params: {},
    options: {},
    sourceAnalysisId: null,
    ...(status === 'failed' && { error: { code: 'cancelled', message: 'the analysis was cancelled' } }),
  };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
let answers: AnalysisView[];
let fetchMock: ReturnType<typeof vi.fn>;

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  answers = [view('running')];
  fetchMock = vi.fn((url: string, init?: RequestInit) => {
    if (url.endsWith('/stream-token')) return Promise.resolve(json(200, { token: 'tok', expiresAt: '' }));
    if (url.endsWith('/cancel')) return Promise.resolve(json(202, { id: 'a1', status: 'cancelling' }));
    if (url === '/api/analyses/a1' && (init?.method ?? 'GET') === 'GET') {
      return Promise.resolve(json(200, answers.length > 1 ? answers.shift() : answers[0]));
    }
    return Promise.resolve(json(404, { error: { code: 'not_found', message: 'not found' } }));
  });
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

async function renderRunning(): Promise<FakeEventSource> {
  render(
    <MemoryRouter initialEntries={['/analyses/a1']}>
      <Routes>
        <Route path="/analyses/:id" element={<AnalysisPage />} />
      </Routes>
    </MemoryRouter>,
  );
  await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
  const source = FakeEventSource.instances[0];
  expect(source.url).toBe('/api/analyses/a1/events?token=tok');
  source.open();
  return source;
}

const card = (model: string) => screen.getByRole('article', { name: model });
const ref = (model: string, attempt = 1) => ({ stage: 'answer', stageIndex: 0, model, sample: 0, attempt });

it('streams deltas into cards, with routing badges and a failure with its cause', async () => {
  const source = await renderRunning();
  expect(screen.getByRole('heading', { level: 2, name: 'Answer' })).toBeInTheDocument();
  source.send({ type: 'analysis.started' });
  const calls = ['mock:alpha', 'mock:beta', 'mock:gamma', 'mock:delta'].map((model) => ({ model, sample: 0 }));
  source.send({
    type: 'stage.started',
    stage: 'answer',
    stageIndex: 0,
    label: 'Answer',
    kind: 'generate',
    round: 1,
    calls,
  });
  expect(screen.getByText('Running: Answer')).toBeInTheDocument();

  source.send({ type: 'output.delta', ...ref('mock:alpha'), text: 'Rayleigh ' });
  source.send({ type: 'output.delta', ...ref('mock:alpha'), text: 'scattering.' });
  expect(within(card('mock:alpha')).getByText('Rayleigh scattering.')).toBeInTheDocument();
  expect(within(card('mock:alpha')).getByRole('status')).toHaveTextContent('Streaming…');

  // A retried call: its first text is void, the badge says why, the next attempt streams afresh.
  source.send({ type: 'output.delta', ...ref('mock:beta'), text: 'half an ans' });
  source.send({ type: 'output.retrying', ...ref('mock:beta'), category: 'rate_limit', message: 'slow down' });
  expect(within(card('mock:beta')).getByText('Retrying (rate_limit)')).toBeInTheDocument();
  expect(within(card('mock:beta')).queryByText('half an ans')).not.toBeInTheDocument();
  source.send({ type: 'output.delta', ...ref('mock:beta', 2), text: 'A whole answer.' });
  const usage = { inputTokens: 10, outputTokens: 20, costUsd: 0.0021 };
  source.send({ type: 'output.completed', ...ref('mock:beta', 2), usage });
  expect(within(card('mock:beta')).getByText('Retried ×1')).toBeInTheDocument();
  expect(within(card('mock:beta')).getByRole('status')).toHaveTextContent('Completed');
  expect(screen.getByText('$0.0021')).toBeInTheDocument();

  // An open breaker passed over to a fallback, which answers in the same attempt.
  source.send({ type: 'output.retrying', ...ref('mock:gamma'), category: 'circuit_open', message: 'breaker open' });
  source.send({ type: 'output.delta', ...ref('mock:gamma'), text: 'From the fallback.' });
  expect(within(card('mock:gamma')).getByText('Fell back')).toBeInTheDocument();
  expect(within(card('mock:gamma')).getByText('Breaker open')).toBeInTheDocument();

  source.send({ type: 'output.failed', ...ref('mock:delta'), category: 'auth', message: 'the API key was refused' });
  expect(within(card('mock:delta')).getByRole('status')).toHaveTextContent('Failed');
  expect(within(card('mock:delta')).getByText(/failed \(auth\): the API key was refused/)).toBeInTheDocument();
});

it('names the fallback and cache hits from the stored run once a stage completes, then shows the result', async () => {
  const stored: StageView = {
    ...pending('answer', 'Answer'),
    index: 0,
    status: 'completed',
    outputs: [
      {
        model: 'mock:alpha',
        sample: 0,
        status: 'completed',
        text: 'x',
        cached: true,
        latencyMs: 1,
        usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
      },
      {
        model: 'mock:beta',
        sample: 0,
        status: 'completed',
        text: 'y',
        answeredBy: 'mock:zeta',
        latencyMs: 1,
        usage: { inputTokens: 1, outputTokens: 1, costUsd: 0.5 },
      },
    ],
  };
  const source = await renderRunning();
  answers = [view('running', [stored]), view('completed', [stored])];
  const calls = [
    { model: 'mock:alpha', sample: 0 },
    { model: 'mock:beta', sample: 0 },
  ];
  source.send({
    type: 'stage.started',
    stage: 'answer',
    stageIndex: 0,
    label: 'Answer',
    kind: 'generate',
    round: 1,
    calls,
  });
  source.send({ type: 'output.delta', ...ref('mock:beta'), text: 'y' });
  const outputs = calls.map((c) => ({ ...c, status: 'completed', usage: { inputTokens: 1, outputTokens: 1 } }));
  source.send({
    type: 'stage.completed',
    stage: 'answer',
    stageIndex: 0,
    label: 'Answer',
    kind: 'generate',
    round: 1,
    status: 'completed',
    outputs,
  });
  expect(await within(card('mock:alpha')).findByText('Cached')).toBeInTheDocument();
  expect(within(card('mock:beta')).getByText('Fell back to mock:zeta')).toBeInTheDocument();
  expect(screen.getByText('$0.50')).toBeInTheDocument();

  source.send({ type: 'analysis.completed', result: null });
  expect(source.readyState).toBe(FakeEventSource.CLOSED);
  await waitFor(() => expect(screen.queryByRole('region', { name: 'Stages' })).not.toBeInTheDocument());
  expect(screen.queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
});

it('cancels through the API', async () => {
  const source = await renderRunning();
  await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  expect(fetchMock).toHaveBeenCalledWith('/api/analyses/a1/cancel', expect.objectContaining({ method: 'POST' }));
  expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeDisabled();
  answers = [view('failed')];
  source.send({ type: 'analysis.failed', error: { code: 'cancelled', message: 'the analysis was cancelled' } });
  expect(screen.getByText(/Ended: the analysis was cancelled/)).toBeInTheDocument();
  // The ended analysis is read again and handed to the result view.
  await waitFor(() => expect(screen.queryByRole('region', { name: 'Stages' })).not.toBeInTheDocument());
});

it('resumes after the last event with a fresh token when the stream gives up', async () => {
  const source = await renderRunning();
  source.send({ type: 'analysis.started' });
  source.fail();
  expect(screen.getByText(/Reconnecting to live updates/)).toBeInTheDocument();
  await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2), { timeout: 3000 });
  expect(FakeEventSource.instances[1].url).toBe('/api/analyses/a1/events?token=tok&lastEventId=1700000000000-1');
  const tokens = fetchMock.mock.calls.filter(([url]) => String(url).endsWith('/stream-token'));
  expect(tokens).toHaveLength(2);
});
