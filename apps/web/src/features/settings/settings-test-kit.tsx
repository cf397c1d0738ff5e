import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { vi } from 'vitest';
import { AuthProvider } from '../../auth/auth-context';
import { SettingsPage } from './settings-page';

/** Test helpers of the settings tests: a fetch that answers like the gateway, and the page at a path. */

export const json = (status: number, body: unknown) =>
  status === 204 ? new Response(null, { status }) : new Response(JSON.stringify(body), { status });

export interface ApiCall {
  method: string;
  path: string;
  body: unknown;
}

/** A route's answer is a body, or a function of the request body giving one; a Response sets another status. */
type RouteFn = (body: unknown) => unknown;

/**
 * Stubs fetch with `{'GET /api/x': body, 'PUT /api/y': (body) => json(201, …)}`; anything else is a 404, so a
 * request the page should not make shows up as an error on screen and in `calls`.
 */
export function stubApi(routes: Record<string, RouteFn | object | null>): ApiCall[] {
  const calls: ApiCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const path = typeof input === 'string' ? input : input instanceof URL ? input.pathname : input.url;
      const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      calls.push({ method, path, body });
      const route = routes[`${method} ${path}`];
      if (route === undefined) {
        return Promise.resolve(json(404, { error: { code: 'not_found', message: `no stub for ${method} ${path}` } }));
      }
      const answer: unknown = typeof route === 'function' ? (route as RouteFn)(body) : route;
      return Promise.resolve(answer instanceof Response ? answer : json(200, answer));
    }),
  );
  return calls;
}

export function renderSettings(path = '/settings') {
  return render(
    <AuthProvider>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/settings/:tab" element={<SettingsPage />} />
          <Route path="/login" element={<p>login page</p>} />
        </Routes>
      </MemoryRouter>
    </AuthProvider>,
  );
}

export const catalog = {
  models: [
    { id: 'mock:alpha', provider: 'mock', name: 'alpha', displayName: 'Mock Alpha', status: 'ready', fallbacks: [] },
    { id: 'mock:beta', provider: 'mock', name: 'beta', displayName: 'Mock Beta', status: 'ready', fallbacks: [] },
    {
      id: 'openai:gpt-4o',
      provider: 'openai',
      name: 'gpt-4o',
      displayName: 'GPT-4o',
      status: 'needs_key',
      fallbacks: [],
    },
  ],
};

export const me = { id: 'u1', email: 'ada@example.com', role: 'user', tier: 'free', createdAt: '2026-01-02T10:00:00Z' };
