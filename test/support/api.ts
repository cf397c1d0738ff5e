import { randomUUID } from 'node:crypto';
import type { AnalysisView, AuthResponse } from '@ultra/contracts';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin client of the public REST API, as a user's program would use it. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
  }

  /** Registers a new user and returns a client that sends its access token. */
  async registerUser(email = `user-${randomUUID()}@example.com`): Promise<ApiClient> {
    const res = await this.request<AuthResponse>('POST', '/api/auth/register', {
      email,
      password: 'correct horse battery',
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return new ApiClient(this.baseUrl, res.body.accessToken);
  }

  /** Polls an analysis until it has ended (completed or failed). */
  async waitForAnalysis(id: string, timeoutMs = 30_000): Promise<AnalysisView> {
    const deadline = Date.now() + timeoutMs;
    let last: ApiResponse<AnalysisView> | undefined;
    while (Date.now() < deadline) {
      last = await this.request<AnalysisView>('GET', `/api/analyses/${id}`);
      if (last.status !== 200) throw new Error(`GET analysis answered ${last.status}: ${JSON.stringify(last.body)}`);
      if (last.body.status === 'completed' || last.body.status === 'failed') return last.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`analysis ${id} did not end within ${timeoutMs} ms; last state ${JSON.stringify(last?.body)}`);
  }
}
