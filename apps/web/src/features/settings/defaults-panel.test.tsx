import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { catalog, json, renderSettings, stubApi } from './settings-test-kit';

const patterns = {
  patterns: [
    { id: 'critique', name: 'Critique', description: '', source: 'builtin', params: {}, stages: [] },
    { id: 'mine', name: 'Mine', description: '', source: 'user', params: {}, stages: [] },
  ],
};

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it('loads the stored panel, saves the changed one with PUT and clears it with DELETE', async () => {
  const user = userEvent.setup();
  const calls = stubApi({
    'GET /api/users/me/defaults': { models: ['mock:alpha'], ultraModel: 'mock:alpha', pattern: 'critique' },
    'GET /api/available-models': catalog,
    'GET /api/patterns': patterns,
    'PUT /api/users/me/defaults': (body) => ({ pattern: null, ...(body as object) }),
    'DELETE /api/users/me/defaults': json(204, null),
  });
  renderSettings('/settings/defaults');
  const alpha = await screen.findByRole('checkbox', { name: 'Mock Alpha' });
  expect(alpha).toBeChecked();
  expect(screen.getByLabelText('Pattern')).toHaveValue('critique');
  expect(screen.getByText(/openai:gpt-4o · needs a key/)).toBeInTheDocument();

  await user.click(screen.getByRole('checkbox', { name: 'GPT-4o' }));
  await user.selectOptions(screen.getByLabelText('Ultra model'), 'GPT-4o');
  await user.selectOptions(screen.getByLabelText('Pattern'), 'Mine (yours)');
  await user.click(screen.getByRole('button', { name: 'Save defaults' }));
  expect(await screen.findByText('Your default panel was saved.')).toBeInTheDocument();
  expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
    models: ['mock:alpha', 'openai:gpt-4o'],
    ultraModel: 'openai:gpt-4o',
    pattern: 'mine',
  });

  await user.click(screen.getByRole('button', { name: 'Clear defaults' }));
  expect(await screen.findByText('Your default panel was cleared.')).toBeInTheDocument();
  expect(screen.getByRole('checkbox', { name: 'Mock Alpha' })).not.toBeChecked();
  expect(screen.getByLabelText('Pattern')).toHaveValue('');
  expect(screen.getByRole('button', { name: 'Save defaults' })).toBeDisabled();
});

it("shows the server's refusal of a model next to the models", async () => {
  const user = userEvent.setup();
  stubApi({
    'GET /api/users/me/defaults': { models: [], ultraModel: null, pattern: null },
    'GET /api/available-models': catalog,
    'GET /api/patterns': patterns,
    'PUT /api/users/me/defaults': json(400, {
      error: {
        code: 'unknown_model',
        message: 'unknown model "mock:beta"',
        details: [{ path: 'models.0', message: 'unknown model "mock:beta"' }],
      },
    }),
  });
  renderSettings('/settings/defaults');
  await user.click(await screen.findByRole('checkbox', { name: 'Mock Beta' }));
  await user.click(screen.getByRole('button', { name: 'Save defaults' }));
  expect(await screen.findByText('unknown model "mock:beta"')).toHaveClass('field-error');
  expect(screen.queryByRole('alert')).not.toBeInTheDocument();
});
