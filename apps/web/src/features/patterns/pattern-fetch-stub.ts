import { vi } from 'vitest';

/** Test support: the API as the editor's tests see it, answered by method and path through a stubbed fetch. */

export const json = (status: number, body: unknown) =>
  new Response(body === null ? null : JSON.stringify(body), { status });

export type Answer = (init: RequestInit) => Response | Promise<Response>;

/** One request the page made. */
export interface SentRequest {
  method: string;
  url: string;
  contentType: string | null;
  body: unknown;
}

const VALIDATE = 'POST /api/patterns/validate';

/**
 * Stubs fetch with `routes` (`'PUT /api/patterns/mine'` → answer, or a list answered in turn, the last repeating).
 * The live check's route answers `{valid: true}` unless given. `sent()` lists the requests other than live checks;
 * `checks()` lists the live checks.
 */
export function stubApi(routes: Record<string, Answer | Answer[]>) {
  const requests: SentRequest[] = [];
  const used = new Map<string, number>();
  const fetchMock = vi.fn((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const route = `${method} ${url}`;
    requests.push({
      method,
      url,
      contentType: new Headers(init.headers).get('content-type'),
      body: init.body,
    });
    const answers = routes[route] ?? (route === VALIDATE ? () => json(200, { valid: true }) : undefined);
    if (!answers) return Promise.resolve(json(404, { error: { code: 'not_found', message: `no stub: ${route}` } }));
    const list = Array.isArray(answers) ? answers : [answers];
    const n = used.get(route) ?? 0;
    used.set(route, n + 1);
    return Promise.resolve(list[Math.min(n, list.length - 1)](init));
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    sent: () => requests.filter((r) => `${r.method} ${r.url}` !== VALIDATE),
    checks: () => requests.filter((r) => `${r.method} ${r.url}` === VALIDATE),
  };
}

/** A 400 answer of the API naming each problem. */
export const refusal = (code: string, message: string, details: { path: string; message: string }[]) => () =>
  json(400, { error: { code, message, details } });
