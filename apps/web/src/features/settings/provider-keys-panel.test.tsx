import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { catalog, json, renderSettings, stubApi } from './settings-test-kit';

const SECRET = 'sk-ant-api03-very-secret-value-9876';
const stored = { provider: 'anthropic', last4: '9876', createdAt: '2026-03-01T09:00:00Z', lastUsedAt: null };

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it('stores a key with PUT and never shows it back', async () => {
  const user = userEvent.setup();
  let listed: unknown[] = [];
  const calls = stubApi({
    'GET /api/provider-keys': () => ({ providerKeys: listed }),
    'GET /api/available-models': catalog,
    'PUT /api/provider-keys/anthropic': (body) => {
      listed = [{ ...stored, baseUrl: (body as { baseUrl?: string }).baseUrl }];
      return listed[0];
    },
  });
  renderSettings('/settings/keys');
  expect(await screen.findByText('No provider keys stored.')).toBeInTheDocument();
  // The catalog's keyless mock provider is not offered.
  expect(screen.queryByRole('option', { name: 'mock' })).not.toBeInTheDocument();

  await user.selectOptions(screen.getByLabelText('Provider'), 'anthropic');
  const keyField = screen.getByLabelText('API key');
  expect(keyField).toHaveAttribute('type', 'password');
  await user.type(keyField, SECRET);
  await user.type(screen.getByLabelText('Base URL (optional)'), 'https://llm.example.com/v1');
  await user.click(screen.getByRole('button', { name: 'Save key' }));

  expect(await screen.findByText('The anthropic key ending in 9876 was saved.')).toBeInTheDocument();
  const put = calls.find((c) => c.method === 'PUT');
  expect(put).toEqual({
    method: 'PUT',
    path: '/api/provider-keys/anthropic',
    body: { apiKey: SECRET, baseUrl: 'https://llm.example.com/v1' },
  });
  const row = (await screen.findByRole('rowheader', { name: 'anthropic' })).closest('tr')!;
  expect(within(row).getByText('…9876')).toBeInTheDocument();
  expect(row).toHaveTextContent('https://llm.example.com/v1');
  expect(screen.getByLabelText('API key')).toHaveValue('');
  expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  expect(document.body.innerHTML).not.toContain(SECRET);
  // A stored provider's key is replaced, and the form says so.
  await user.selectOptions(screen.getByLabelText('Provider'), 'anthropic');
  expect(screen.getByRole('button', { name: 'Replace key' })).toBeInTheDocument();
});

it("shows the server's refusal and empties the key field", async () => {
  const user = userEvent.setup();
  stubApi({
    'GET /api/provider-keys': { providerKeys: [] },
    'GET /api/available-models': catalog,
    'PUT /api/provider-keys/openai': json(503, {
      error: {
        code: 'service_unavailable',
        message: 'provider keys are off on this server: KEY_ENCRYPTION_KEYS is not set',
      },
    }),
  });
  renderSettings('/settings/keys');
  await user.type(await screen.findByLabelText('API key'), SECRET);
  await user.click(screen.getByRole('button', { name: 'Save key' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('KEY_ENCRYPTION_KEYS is not set');
  expect(screen.getByLabelText('API key')).toHaveValue('');
});

it('deletes a key once confirmed', async () => {
  const user = userEvent.setup();
  let listed: unknown[] = [stored];
  const calls = stubApi({
    'GET /api/provider-keys': () => ({ providerKeys: listed }),
    'GET /api/available-models': catalog,
    'DELETE /api/provider-keys/anthropic': () => {
      listed = [];
      return json(204, null);
    },
  });
  renderSettings('/settings/keys');
  await user.click(await screen.findByRole('button', { name: 'Delete the anthropic key' }));
  await user.click(screen.getByRole('button', { name: 'Delete key' }));
  expect(await screen.findByText('No provider keys stored.')).toBeInTheDocument();
  expect(screen.getByText('The anthropic key was deleted.')).toBeInTheDocument();
  expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
});
