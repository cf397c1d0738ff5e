import type { AuthResponse } from '@ultra/contracts';

/** An error answer of the API, `{error: {code, message, details, traceId}}`, with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly traceId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Per-field messages of a validation error (`details: [{path, message}]`), keyed by path. */
  fieldErrors(): Record<string, string> {
    if (!Array.isArray(this.details)) return {};
    const entries = this.details.flatMap((d: unknown) => {
      const item = d as { path?: unknown; message?: unknown };
      return typeof item.path === 'string' && typeof item.message === 'string' ? [[item.path, item.message]] : [];
    });
    return Object.fromEntries(entries) as Record<string, string>;
  }
}

const REFRESH_KEY = 'ultra.refreshToken';

export interface Session {
  accessToken: string;
  refreshToken: string;
}

/**
 * The browser's client of the REST API, same origin. The access token lives in memory only; the refresh token in
 * localStorage, so a reload stays signed in. A 401 refreshes once (tokens rotate) and retries the request.
 */
export class ApiClient {
  private accessToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  /** Told when the session ends (refresh refused): the app goes back to the login page. */
  onSignedOut: () => void = () => undefined;

  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  get token(): string | null {
    return this.accessToken;
  }

  hasStoredSession(): boolean {
    return localStorage.getItem(REFRESH_KEY) !== null;
  }

  begin(auth: AuthResponse): void {
    this.accessToken = auth.accessToken;
    localStorage.setItem(REFRESH_KEY, auth.refreshToken);
  }

  end(): void {
    this.accessToken = null;
    localStorage.removeItem(REFRESH_KEY);
  }

  /** Trades the stored refresh token for new tokens; false when there is none or it was refused. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
    let response = await this.send(method, path, body, init);
    if (response.status === 401 && (await this.refresh())) response = await this.send(method, path, body, init);
    if (response.status === 401 && this.accessToken !== null) {
      this.end();
      this.onSignedOut();
    }
    return this.parse<T>(response);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** A raw answer (exports, downloads) with the same authentication and refresh. */
  async fetchRaw(path: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.send('GET', path, undefined, init);
    if (response.status === 401 && (await this.refresh())) response = await this.send('GET', path, undefined, init);
    if (!response.ok) await this.parse(response);
    return response;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = localStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (!response.ok) {
      this.end();
      return false;
    }
    this.begin((await response.json()) as AuthResponse);
    return true;
  }

  private send(method: string, path: string, body: unknown, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.accessToken) headers.set('authorization', `Bearer ${this.accessToken}`);
    const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !isForm && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const payload = body === undefined ? undefined : isForm || typeof body === 'string' ? body : JSON.stringify(body);
    return fetch(path, { ...init, method, headers, body: payload });
  }

  private async parse<T>(response: Response): Promise<T> {
    const text = await response.text();
    const data: unknown = text ? JSON.parse(text) : null;
    if (response.ok) return data as T;
    const error = (data as { error?: { code?: string; message?: string; details?: unknown; traceId?: string } })?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `the server answered ${response.status}`,
      error?.details,
      error?.traceId,
    );
  }
}

/** The one client of the app. */
export const api = new ApiClient();
