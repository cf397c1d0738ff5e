import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { vi } from 'vitest';
import { json, me, renderSettings, stubApi } from './settings-test-kit';

const SECRET = 'ultra_sk_3f9a2b7c1d0e4f5a6b7c8d9e0f1a2b3c';
const ciKey = {
  id: '0b6f3c1e-4a2d-4e8f-9c1b-2a3d4e5f6a7b',
  name: 'CI pipeline',
  prefix: 'ultra_sk_3f9a',
  scopes: ['read', 'analyze'],
  createdAt: '2026-03-01T09:00:00Z',
  expiresAt: null,
  lastUsedAt: null,
};

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it('shows a new key once, with a warning and Copy, and forgets it after Done', async () => {
  const user = userEvent.setup();
  let listed: unknown[] = [];
  const calls = stubApi({
    'GET /api/api-keys': () => listed,
    'GET /api/users/me': me,
    'POST /api/api-keys': (body) => {
      listed = [ciKey];
      return json(201, { ...ciKey, ...(body as object), key: SECRET });
    },
  });
  renderSettings('/settings/api-keys');
  expect(await screen.findByText('No API keys yet.')).toBeInTheDocument();
  // An ordinary user is not offered the admin scope.
  expect(screen.queryByRole('checkbox', { name: 'admin' })).not.toBeInTheDocument();

  await user.type(screen.getByLabelText('Name'), 'CI pipeline');
  await user.click(screen.getByRole('checkbox', { name: 'analyze' }));
  await user.click(screen.getByRole('button', { name: 'Create key' }));

  const reveal = await screen.findByRole('region', { name: /Your new API key/ });
  expect(within(reveal).getByLabelText('New API key')).toHaveValue(SECRET);
  expect(reveal).toHaveTextContent('it will not be shown again');
  expect(reveal).toHaveFocus();
  expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'CI pipeline', scopes: ['read', 'analyze'] });

  await user.click(within(reveal).getByRole('button', { name: 'Copy' }));
  expect(await navigator.clipboard.readText()).toBe(SECRET);
  expect(await within(reveal).findByText('Copied to the clipboard.')).toBeInTheDocument();

  // The list reloaded meanwhile: it names the key by its prefix only.
  const row = (await screen.findByRole('rowheader', { name: 'CI pipeline' })).closest('tr')!;
  expect(row).toHaveTextContent('ultra_sk_3f9a…');
  expect(row).toHaveTextContent('read, analyze');

  await user.click(within(reveal).getByRole('button', { name: 'Done' }));
  expect(screen.queryByRole('region', { name: /Your new API key/ })).not.toBeInTheDocument();
  expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  expect(document.body.innerHTML).not.toContain(SECRET);
});

it('revokes a key only once confirmed', async () => {
  const user = userEvent.setup();
  let listed: unknown[] = [ciKey];
  const calls = stubApi({
    'GET /api/api-keys': () => listed,
    'GET /api/users/me': me,
    [`DELETE /api/api-keys/${ciKey.id}`]: () => {
      listed = [];
      return json(204, null);
    },
  });
  renderSettings('/settings/api-keys');
  await user.click(await screen.findByRole('button', { name: 'Revoke CI pipeline' }));
  expect(screen.getByText(/Programs using it are refused/)).toBeInTheDocument();
  expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
  await user.click(screen.getByRole('button', { name: 'Cancel' }));
  expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
  expect(screen.getByRole('button', { name: 'Revoke CI pipeline' })).toHaveFocus();

  await user.click(screen.getByRole('button', { name: 'Revoke CI pipeline' }));
  await user.click(screen.getByRole('button', { name: 'Revoke key' }));
  expect(await screen.findByText('No API keys yet.')).toBeInTheDocument();
  expect(screen.getByText('The key “CI pipeline” was revoked.')).toBeInTheDocument();
  expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
});

it('offers the admin scope to an admin and shows a refusal next to the scopes', async () => {
  const user = userEvent.setup();
  stubApi({
    'GET /api/api-keys': [],
    'GET /api/users/me': { ...me, role: 'admin' },
    'POST /api/api-keys': json(400, {
      error: {
        code: 'validation_failed',
        message: 'scopes must not repeat',
        details: [{ path: 'scopes', message: 'scopes must not repeat' }],
      },
    }),
  });
  renderSettings('/settings/api-keys');
  await user.click(await screen.findByRole('checkbox', { name: 'admin' }));
  await user.type(screen.getByLabelText('Name'), 'ops');
  await user.click(screen.getByRole('button', { name: 'Create key' }));
  expect(await screen.findByText('scopes must not repeat')).toBeInTheDocument();
  expect(screen.queryByRole('region', { name: /Your new API key/ })).not.toBeInTheDocument();
  await waitFor(() => expect(screen.getByRole('button', { name: 'Create key' })).toBeEnabled());
});
