import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AuthProvider } from './auth-context';
import { SignupPage } from './auth-pages';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

function renderSignup() {
  render(
    <AuthProvider>
      <MemoryRouter initialEntries={['/signup']}>
        <Routes>
          <Route path="/signup" element={<SignupPage />} />
          <Route path="/analyses/new" element={<p>new analysis page</p>} />
        </Routes>
      </MemoryRouter>
    </AuthProvider>,
  );
}

it("shows the API's message next to the field it names", async () => {
  vi.stubGlobal(
    'fetch',
    vi.fn().mockResolvedValue(
      json(400, {
        error: {
          code: 'validation_failed',
          message: 'password is too weak',
          details: [{ path: 'password', message: 'password is too weak' }],
        },
      }),
    ),
  );
  renderSignup();
  await userEvent.type(screen.getByLabelText('Email'), 'a@example.com');
  await userEvent.type(screen.getByLabelText('Password'), 'short');
  await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
  expect(await screen.findByText('password is too weak')).toBeInTheDocument();
  expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
});

it('signs up and goes on to a new analysis', async () => {
  const fetchMock = vi
    .fn()
    .mockResolvedValue(json(201, { user: { id: 'u', email: 'a@example.com' }, accessToken: 'a', refreshToken: 'r' }));
  vi.stubGlobal('fetch', fetchMock);
  renderSignup();
  await userEvent.type(screen.getByLabelText('Email'), 'a@example.com');
  await userEvent.type(screen.getByLabelText('Password'), 'a long password here');
  await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
  expect(await screen.findByText('new analysis page')).toBeInTheDocument();
  expect(fetchMock).toHaveBeenCalledWith('/api/auth/register', expect.objectContaining({ method: 'POST' }));
  expect(localStorage.getItem('ultra.refreshToken')).toBe('r');
});
