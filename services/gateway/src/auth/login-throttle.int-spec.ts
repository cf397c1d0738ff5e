import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { authClient, STRONG_PASSWORD } from '../testing/auth-client';

const MAX_FAILURES = 3;
const BLOCK_S = 120;
let gateway: GatewayTestApp;
let client: ReturnType<typeof authClient>;

beforeAll(async () => {
  gateway = await startGatewayTestApp({ LOGIN_MAX_FAILURES: String(MAX_FAILURES), LOGIN_BLOCK_S: String(BLOCK_S) });
  client = authClient(gateway);
});

afterAll(async () => {
  await gateway?.close();
});

const attempt = (email: string, password: string) => client.post('login', { email, password });

describe('login throttling', () => {
  it('answers 429 too_many_requests with Retry-After after LOGIN_MAX_FAILURES failures, even for the right password', async () => {
    const { user } = await client.register();
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      expect((await attempt(user.email, 'wrong password, again')).status).toBe(401);
    }
    const blocked = await attempt(user.email.toUpperCase(), STRONG_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_requests');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(BLOCK_S);
  });

  it('blocks only that account: another one signs in', async () => {
    const { user } = await client.register();
    expect((await attempt(user.email, STRONG_PASSWORD)).status).toBe(200);
  });

  it("clears an account's count on a successful sign-in", async () => {
    const { user } = await client.register();
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < MAX_FAILURES - 1; i += 1) {
        expect((await attempt(user.email, 'wrong password, again')).status).toBe(401);
      }
      expect((await attempt(user.email, STRONG_PASSWORD)).status).toBe(200);
    }
  });
});
