import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from './api-client';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const auth = (n: number) => ({
  user: { id: 'u', email: 'a@example.com' },
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
});

describe('ApiClient', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    localStorage.clear();
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('refreshes once on a 401, rotates the stored refresh token and retries with the new access token', async () => {
    const client = new ApiClient();
    client.begin(auth(1));
    fetchMock
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'expired' } }))
      .mockResolvedValueOnce(json(200, auth(2)))
      .mockResolvedValueOnce(json(200, { ok: true }));
    await expect(client.get('/api/things')).resolves.toEqual({ ok: true });
    const [, refresh, retry] = fetchMock.mock.calls as [string, RequestInit][];
    expect(refresh[0]).toBe('/api/auth/refresh');
    expect(JSON.parse(refresh[1].body as string)).toEqual({ refreshToken: 'refresh-1' });
    expect(new Headers(retry[1].headers).get('authorization')).toBe('Bearer access-2');
    expect(localStorage.getItem('ultra.refreshToken')).toBe('refresh-2');
  });

  it('signs out when the refresh is refused', async () => {
    const client = new ApiClient();
    const signedOut = vi.fn();
    client.onSignedOut = signedOut;
    client.begin(auth(1));
    fetchMock
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'expired' } }))
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'revoked' } }));
    await expect(client.get('/api/things')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(client.signedIn).toBe(false);
    expect(localStorage.getItem('ultra.refreshToken')).toBeNull();
  });

  it('turns an error body into an ApiError with its field messages and trace id', async () => {
    fetchMock.mockResolvedValueOnce(
      json(400, {
        error: {
          code: 'validation_failed',
          message: 'prompt: required',
          details: [{ path: 'prompt', message: 'required' }],
          traceId: 'abc',
        },
      }),
    );
    const error = await new ApiClient().post('/api/analyze', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors()).toEqual({ prompt: 'required' });
    expect((error as ApiError).traceId).toBe('abc');
  });
});
