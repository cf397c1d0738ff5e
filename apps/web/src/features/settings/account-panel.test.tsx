import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { json, me, renderSettings, stubApi } from './settings-test-kit';

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

it('changes the password, checking the repeat first', async () => {
  const user = userEvent.setup();
  const calls = stubApi({ 'GET /api/users/me': me, 'POST /api/auth/password': json(204, null) });
  renderSettings('/settings/account');
  await user.type(await screen.findByLabelText('Current password'), 'old password here');
  await user.type(screen.getByLabelText('New password'), 'a brand new passphrase');
  await user.type(screen.getByLabelText('Repeat the new password'), 'a brand new passphrase!');
  await user.click(screen.getByRole('button', { name: 'Change password' }));
  expect(screen.getByText('The two new passwords differ.')).toBeInTheDocument();
  expect(calls.some((c) => c.path === '/api/auth/password')).toBe(false);

  await user.type(screen.getByLabelText('Repeat the new password'), '{Backspace}');
  await user.click(screen.getByRole('button', { name: 'Change password' }));
  expect(await screen.findByText(/Your password was changed/)).toBeInTheDocument();
  expect(calls.find((c) => c.path === '/api/auth/password')?.body).toEqual({
    currentPassword: 'old password here',
    newPassword: 'a brand new passphrase',
  });
  expect(screen.getByLabelText('Current password')).toHaveValue('');
});

it('changes the email with the current password and shows a wrong password', async () => {
  const user = userEvent.setup();
  let attempts = 0;
  stubApi({
    'GET /api/users/me': me,
    'PATCH /api/users/me': (body) =>
      ++attempts === 1
        ? json(401, { error: { code: 'invalid_credentials', message: 'the email or password is wrong' } })
        : { ...me, email: (body as { email: string }).email },
  });
  renderSettings('/settings/account');
  const email = await screen.findByLabelText('New email');
  await user.clear(email);
  await user.type(email, 'grace@example.com');
  await user.type(screen.getByLabelText('Your password'), 'wrong');
  await user.click(screen.getByRole('button', { name: 'Change email' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('the email or password is wrong');
  await user.click(screen.getByRole('button', { name: 'Change email' }));
  expect(await screen.findByText('Your email is now grace@example.com.')).toBeInTheDocument();
});

it('signs out everywhere once confirmed, and ends this session too', async () => {
  const user = userEvent.setup();
  const calls = stubApi({
    'GET /api/users/me': me,
    'POST /api/auth/logout-all': json(204, null),
    'POST /api/auth/logout': json(204, null),
  });
  renderSettings('/settings/account');
  await user.click(await screen.findByRole('button', { name: 'Sign out everywhere' }));
  await user.click(screen.getByRole('button', { name: 'Sign out all sessions' }));
  await vi.waitFor(() => expect(calls.some((c) => c.path === '/api/auth/logout')).toBe(true));
  expect(calls.filter((c) => c.path === '/api/auth/logout-all')).toHaveLength(1);
});
