import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { authClient, STRONG_PASSWORD } from '../testing/auth-client';

let gateway: GatewayTestApp;
let client: ReturnType<typeof authClient>;

beforeAll(async () => {
  gateway = await startGatewayTestApp();
  client = authClient(gateway);
});

afterAll(async () => {
  await gateway?.close();
});

describe('GET /api/users/me', () => {
  it("answers the caller's account", async () => {
    const session = await client.register();
    const response = await client.me(session.accessToken);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: session.user.id,
      email: session.user.email,
      role: 'user',
      tier: expect.any(String),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('needs a token', async () => {
    expect((await client.me('')).status).toBe(401);
  });
});

describe('PATCH /api/users/me', () => {
  it('changes the email, lower-cased, with the current password; sign-in then uses the new one', async () => {
    const session = await client.register();
    const email = `New-${session.user.id}@Example.com`;
    const response = await client.patchMe(session.accessToken, { email, currentPassword: STRONG_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.body.email).toBe(email.toLowerCase());
    expect((await client.me(session.accessToken)).body.email).toBe(email.toLowerCase());
    expect((await client.login(email.toUpperCase())).user.id).toBe(session.user.id);
  });

  it("refuses without the right password (401) and answers 409 email_taken for another account's email in any case", async () => {
    const [a, b] = [await client.register(), await client.register()];
    const wrong = await client.patchMe(a.accessToken, { email: 'x@example.com', currentPassword: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const taken = await client.patchMe(a.accessToken, {
      email: b.user.email.toUpperCase(),
      currentPassword: STRONG_PASSWORD,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('email_taken');
    const missing = await client.patchMe(a.accessToken, { email: 'y@example.com' });
    expect(missing.status).toBe(400);
  });
});
