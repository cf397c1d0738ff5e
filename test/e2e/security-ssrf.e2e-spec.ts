import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AnalysisView } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta'];

/** Every spelling of an address inside the network a server-side request must refuse; the port makes no difference. */
const INSIDE = [
  'http://127.0.0.1/',
  'http://127.0.0.1:6379/',
  'http://10.0.0.1/',
  'http://10.255.255.254/',
  'http://172.16.0.1/',
  'http://172.31.255.1/',
  'http://192.168.0.1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/',
  'http://[fd00::1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0x7f.1/',
  'http://017700000001/',
  'http://127.1/',
  'http://0.0.0.0/',
  'http://localhost/',
  'http://localhost./',
  'https://LOCALHOST:8443/',
];

async function listen(
  host: string,
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

describe('security: SSRF — webhook callbackUrl and provider-key baseUrl', () => {
  let stack: TestStack;
  let user: ApiClient;
  let redirector: { server: Server; url: string };
  let inside: { server: Server; url: string };
  const reachedInside: string[] = [];

  beforeAll(async () => {
    // The redirector stands for an allowed public host (allow-listed here); what it points to is not.
    inside = await listen('127.0.0.1', (req, res) => {
      reachedInside.push(`${req.method} ${req.url}`);
      res.writeHead(200).end('{}');
    });
    redirector = await listen('127.0.0.3', (_req, res) => {
      res.writeHead(302, { location: `${inside.url}/stolen` }).end();
    });
    stack = await TestStack.start({
      workers: 1,
      env: {
        MOCK_LATENCY_MS: '5',
        WEBHOOK_ALLOW_HOSTS: '127.0.0.3',
        WEBHOOK_BACKOFF_MS: '60000',
        // Each refused submit counts as an analysis against the tier's per-minute limit.
        TIERS: JSON.stringify({ free: { requestsPerMinute: 10_000, analysesPerMinute: 10_000 } }),
        KEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    for (const { server } of [redirector, inside]) {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it('refuses every callbackUrl inside the network (400), so nothing is queued', async () => {
    const accepted: string[] = [];
    for (const url of INSIDE) {
      const res = await user.request('POST', '/api/analyze', { prompt: 'q', models, callbackUrl: url });
      if (res.status !== 400) accepted.push(`${url} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(accepted).toEqual([]);
  });

  it('refuses every provider-key baseUrl inside the network (400), and stores no key for it', async () => {
    const accepted: string[] = [];
    for (const url of INSIDE) {
      const res = await user.request('PUT', '/api/provider-keys/openai', {
        apiKey: 'sk-test-0123456789',
        baseUrl: url,
      });
      if (res.status !== 400) accepted.push(`${url} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(accepted).toEqual([]);
    const listed = await user.request('GET', '/api/provider-keys');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('6789');
  });

  it('does not follow a redirect from an allowed host to an inside one', async () => {
    const res = await user.request<{ id: string }>('POST', '/api/analyze', {
      prompt: 'q',
      models,
      callbackUrl: `${redirector.url}/hook`,
    });
    expect(`${res.status} ${JSON.stringify(res.body)}`).toMatch(/^202 /);
    const view = await eventually(
      'the first delivery attempt',
      async () => {
        const current = await user.request<AnalysisView>('GET', `/api/analyses/${res.body.id}`);
        return current.body.webhook?.attempts ? current.body : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(view.webhook).toMatchObject({ attempts: 1, lastStatus: 302 });
    expect(view.webhook?.deliveredAt ?? null).toBeNull();
    expect(reachedInside).toEqual([]);
  });
});
