import type { AnalyzeRequest } from '@ultra/contracts';
import { render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { EstimatePanel } from './estimate-panel';
import { bodiesSentTo, estimate, json, stubApi } from './new-analysis.fixtures';

const ESTIMATE = 'POST /api/analyze/estimate';
const body = (prompt: string): AnalyzeRequest => ({ prompt, models: ['mock:alpha'], pattern: 'confidence' });
const names = new Map([['mock:alpha', 'Mock Alpha']]);

afterEach(() => vi.unstubAllGlobals());

it('asks for nothing until there is a prompt and a model', async () => {
  const fetchMock = stubApi({ [ESTIMATE]: () => json(200, estimate) });
  render(<EstimatePanel body={null} delayMs={10} />);
  const region = screen.getByRole('region', { name: 'Estimate' });
  expect(within(region).getByText(/Enter a prompt and choose a model/)).toBeInTheDocument();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(fetchMock).not.toHaveBeenCalled();
});

it('shows calls, tokens, cost range and duration of the request', async () => {
  const fetchMock = stubApi({ [ESTIMATE]: () => json(200, estimate) });
  render(<EstimatePanel body={body('Why is the sky blue?')} modelNames={names} delayMs={10} />);
  const region = screen.getByRole('region', { name: 'Estimate' });
  expect(await within(region).findByText('$0.0003–$0.013')).toBeInTheDocument();
  expect(within(region).getByText('Model calls').nextElementSibling).toHaveTextContent('3');
  expect(within(region).getByText('Input tokens').nextElementSibling).toHaveTextContent('1,200–4,800');
  expect(within(region).getByText('Output tokens').nextElementSibling).toHaveTextContent('150–4,500');
  expect(within(region).getByText('Expected duration').nextElementSibling).toHaveTextContent('4–45 s');
  expect(within(region).getByRole('rowheader', { name: 'Mock Alpha' })).toBeInTheDocument();
  expect(bodiesSentTo(fetchMock, ESTIMATE)).toEqual([body('Why is the sky blue?')]);
});

it('asks again once the request stops changing, for the latest request only', async () => {
  const fetchMock = stubApi({ [ESTIMATE]: () => json(200, estimate) });
  const { rerender } = render(<EstimatePanel body={body('one')} delayMs={40} />);
  rerender(<EstimatePanel body={body('one two')} delayMs={40} />);
  rerender(<EstimatePanel body={body('one two three')} delayMs={40} />);
  await screen.findByText('$0.0003–$0.013');
  expect(bodiesSentTo(fetchMock, ESTIMATE)).toEqual([body('one two three')]);

  rerender(<EstimatePanel body={{ ...body('one two three'), models: ['mock:alpha', 'mock:beta'] }} delayMs={40} />);
  await waitFor(() => expect(bodiesSentTo(fetchMock, ESTIMATE)).toHaveLength(2));
  expect(bodiesSentTo(fetchMock, ESTIMATE)[1]).toMatchObject({ models: ['mock:alpha', 'mock:beta'] });
});

it("shows the API's refusal in the panel instead of throwing", async () => {
  stubApi({
    [ESTIMATE]: () =>
      json(400, {
        error: {
          code: 'model_unavailable',
          message: 'model "mock:alpha" is unavailable: it has no fallbacks',
          details: [{ path: 'models.0', message: 'model "mock:alpha" is unavailable: it has no fallbacks' }],
          traceId: 'trace-1',
        },
      }),
  });
  render(<EstimatePanel body={body('Why?')} delayMs={10} />);
  const region = screen.getByRole('region', { name: 'Estimate' });
  const alert = await within(region).findByRole('alert');
  expect(alert).toHaveTextContent('model "mock:alpha" is unavailable: it has no fallbacks');
  expect(alert).toHaveTextContent('trace-1');
});
