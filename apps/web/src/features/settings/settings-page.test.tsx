import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { catalog, me, renderSettings, stubApi } from './settings-test-kit';

beforeEach(() => {
  localStorage.clear();
  stubApi({
    'GET /api/provider-keys': { providerKeys: [] },
    'GET /api/available-models': catalog,
    'GET /api/api-keys': [],
    'GET /api/users/me': me,
  });
});
afterEach(() => vi.unstubAllGlobals());

const sections = () => screen.getByRole('navigation', { name: 'Settings sections' });

it('opens on provider keys at /settings and marks that section as current', async () => {
  renderSettings('/settings');
  expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
  expect(screen.getByRole('heading', { level: 2, name: 'Provider keys' })).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'Provider keys' })).toHaveAttribute('aria-current', 'page');
  expect(screen.getByRole('link', { name: 'API keys' })).not.toHaveAttribute('aria-current');
  expect(sections().querySelectorAll('a')).toHaveLength(5);
  expect(await screen.findByText('No provider keys stored.')).toBeInTheDocument();
});

it('selects the section named by the URL, and follows the links', async () => {
  const user = userEvent.setup();
  renderSettings('/settings/account');
  expect(screen.getByRole('heading', { level: 2, name: 'Account' })).toBeInTheDocument();
  expect(await screen.findByText('ada@example.com')).toBeInTheDocument();

  await user.click(screen.getByRole('link', { name: 'API keys' }));
  expect(screen.getByRole('heading', { level: 2, name: 'API keys' })).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'API keys' })).toHaveAttribute('aria-current', 'page');
  expect(screen.getByRole('link', { name: 'API keys' })).toHaveAttribute('href', '/settings/api-keys');
});

it('sends an unknown section back to /settings', async () => {
  renderSettings('/settings/nope');
  expect(screen.getByRole('heading', { level: 2, name: 'Provider keys' })).toBeInTheDocument();
  expect(await screen.findByText('No provider keys stored.')).toBeInTheDocument();
});
