import { Algorithm, hash } from '@node-rs/argon2';
import type { ApiErrorBody, AuthResponse } from '@ultra/contracts';
import { Client } from 'pg';
import { jsonRequest } from '../../../../test/support/http';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

let gateway: GatewayTestApp;

const PASSWORD = 'correct horse battery staple';
type Answer = AuthResponse & ApiErrorBody;
const post = (path: string, body: unknown) => jsonRequest<Answer>(gateway.url, 'POST', `/api/auth/${path}`, { body });
const patterns = (token?: string) => jsonRequest<ApiErrorBody>(gateway.url, 'GET', '/api/patterns', { token });

function expectSession(body: Answer, email: string): void {
  expect(body).toEqual({
    user: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), email },
    accessToken: expect.any(String),
    refreshToken: expect.any(String),
  });
}

beforeAll(async () => {
  gateway = await startGatewayTestApp();
});

afterAll(async () => {
  await gateway?.close();
});

describe('POST /api/auth/register', () => {
  it('creates the account, stores an argon2id hash and answers 201 with a token pair', async () => {
    const response = await post('register', { email: 'Ada@Example.com', password: PASSWORD });
    expect(response.status).toBe(201);
    expectSession(response.body, 'ada@example.com');

    const db = new Client({ connectionString: gateway.db.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ email: string; password_hash: string }>(
        'SELECT email, password_hash FROM users',
      );
      expect(rows).toEqual([{ email: 'ada@example.com', password_hash: expect.stringMatching(/^\$argon2id\$/) }]);
    } finally {
      await db.end();
    }
  });

  it('answers 409 email_taken for an email already registered, whatever its case', async () => {
    const response = await post('register', { email: 'ADA@example.com', password: PASSWORD });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('email_taken');
  });

  it.each([
    ['"password"', 'password'],
    ['8 spaces', ' '.repeat(8)],
    ['a password shorter than PASSWORD_MIN_LENGTH (12)', 'Xk9#mq2$Lp'],
    ['a common password of 12 characters or more', 'qwertyuiop123'],
    ['a long but guessable password', 'aaaaaaaaaaaaaaaa'],
  ])('refuses %s with 400 validation_failed naming password', async (_case, password) => {
    const response = await post('register', { email: 'weak@example.com', password });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'password' })]);
  });

  it('marks token answers no-store', async () => {
    const response = await post('register', { email: 'store@example.com', password: PASSWORD });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
  });

  it.each([
    ['a malformed email', { email: 'nope', password: PASSWORD }],
    ['a short password', { email: 'short@example.com', password: 'short' }],
    ['a missing password', { email: 'short@example.com' }],
    ['a body that is not an object', [1, 2]],
  ])('answers 400 validation_failed for %s', async (_case, body) => {
    const response = await post('register', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.any(String) })]),
    );
  });
});

describe('POST /api/auth/login', () => {
  it('answers 200 with a token pair for the right password', async () => {
    const response = await post('login', { email: 'ada@EXAMPLE.com', password: PASSWORD });
    expect(response.status).toBe(200);
    expectSession(response.body, 'ada@example.com');
  });

  it('marks token answers no-store, refresh included', async () => {
    const login = await post('login', { email: 'ada@example.com', password: PASSWORD });
    const refresh = await post('refresh', { refreshToken: login.body.refreshToken });
    for (const response of [login, refresh]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
    }
  });

  it('still signs in an account whose password predates the policy', async () => {
    const db = new Client({ connectionString: gateway.db.url });
    await db.connect();
    try {
      const passwordHash = await hash('password', { algorithm: Algorithm.Argon2id });
      await db.query(`INSERT INTO users (id, email, password_hash) VALUES (gen_random_uuid(), 'old@example.com', $1)`, [
        passwordHash,
      ]);
    } finally {
      await db.end();
    }
    expect((await post('login', { email: 'OLD@example.com', password: 'password' })).status).toBe(200);
  });

  it.each([
    ['a wrong password', { email: 'ada@example.com', password: 'wrong password' }],
    ['an unknown email', { email: 'nobody@example.com', password: PASSWORD }],
  ])('answers 401 invalid_credentials for %s', async (_case, body) => {
    const response = await post('login', body);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_credentials');
  });
});

describe('tokens', () => {
  let session: AuthResponse;

  beforeAll(async () => {
    session = (await post('login', { email: 'ada@example.com', password: PASSWORD })).body;
  });

  it('lets an access token through the guard', async () => {
    expect((await patterns(session.accessToken)).status).toBe(200);
  });

  it('answers 401 unauthorized without a token, with garbage, and with a refresh token', async () => {
    for (const token of [undefined, 'not.a.jwt', session.refreshToken]) {
      const response = await patterns(token);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
  });

  it('refreshes into a new pair that works', async () => {
    const response = await post('refresh', { refreshToken: session.refreshToken });
    expect(response.status).toBe(200);
    expectSession(response.body, 'ada@example.com');
    expect(response.body.accessToken).not.toBe(session.accessToken);
    expect(response.body.refreshToken).not.toBe(session.refreshToken);
    expect((await patterns(response.body.accessToken)).status).toBe(200);
  });

  it.each([
    ['an access token', () => session.accessToken],
    ['garbage', () => 'not.a.jwt'],
  ])('refuses to refresh with %s', async (_case, token) => {
    const response = await post('refresh', { refreshToken: token() });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });

  it('answers 400 validation_failed for a refresh without a token', async () => {
    const response = await post('refresh', {});
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });
});
