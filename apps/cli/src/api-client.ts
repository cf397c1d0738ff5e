import type { AuthResponse } from '@ultra/contracts';
import type { Settings } from './config/config-store.js';
import { ApiError, NetworkError } from './exit-codes.js';

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
}

/** Called with a fresh token pair after a refresh, so `ultra login` need not be run again. */
export type TokensRefreshed = (tokens: { token: string; refreshToken: string }) => Promise<void>;

/** The public HTTP API over fetch: bearer token, JSON bodies, `{error:{code,message}}` turned into ApiError. */
export class ApiClient {
  constructor(
    private settings: Settings,
    private readonly onRefreshed?: TokensRefreshed,
  ) {}

  get url(): string {
    return this.settings.url;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : null) as T;
  }

  /** A non-JSON answer (exports): its text and headers. */
  async text(path: string, options: RequestOptions = {}): Promise<{ body: string; headers: Headers }> {
    const response = await this.send('GET', path, options);
    return { body: await response.text(), headers: response.headers };
  }

  /** One file as multipart/form-data, field `file`. */
  async upload<T>(path: string, name: string, content: Uint8Array): Promise<T> {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    const response = await this.send('POST', path, { body: form });
    return (await response.json()) as T;
  }

  /** The raw response, whatever its status, for callers that decide themselves (the SSE stream). */
  async raw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const attempt = () => this.fetch(method, path, options);
    const response = await attempt();
    if (response.status === 401 && (await this.refresh())) return attempt();
    return response;
  }

  /** Throws ApiError for any status outside 2xx. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const response = await this.raw(method, path, options);
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  private async fetch(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = `${this.settings.url}${path}${queryString(options.query)}`;
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    let body: string | FormData | undefined;
    if (options.body instanceof FormData) body = options.body;
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    try {
      return await fetch(url, { method, headers, body });
    } catch (error) {
      throw new NetworkError(this.settings.url, describeFetchError(error));
    }
  }

  /** Access tokens are short-lived: trade the stored refresh token for a new pair, once per 401. */
  private async refresh(): Promise<boolean> {
    const { refreshToken, tokenFromEnv } = this.settings;
    if (!refreshToken || tokenFromEnv) return false;
    this.settings = { ...this.settings, refreshToken: undefined };
    const response = await this.fetch('POST', '/api/auth/refresh', { body: { refreshToken } });
    if (!response.ok) return false;
    const tokens = (await response.json()) as AuthResponse;
    this.settings = { ...this.settings, token: tokens.accessToken, refreshToken: tokens.refreshToken };
    await this.onRefreshed?.({ token: tokens.accessToken, refreshToken: tokens.refreshToken });
    return true;
  }
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let code = `http_${response.status}`;
  let message = text.trim().slice(0, 500) || response.statusText || `HTTP ${response.status}`;
  let details: unknown;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
    details = parsed.error?.details;
  } catch {
    // Not JSON (a proxy's page): keep the text.
  }
  if (response.status === 401 && code !== 'invalid_credentials') message += ' (run `ultra login`, or set ULTRA_TOKEN)';
  return new ApiError(response.status, code, message, details);
}

/** fetch's TypeError hides the reason in `cause` (ECONNREFUSED, ENOTFOUND…). */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
