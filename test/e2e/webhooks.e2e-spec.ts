import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnalysisPage, AnalysisView, AnalyzeAccepted, WebhookSecret } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on loopback: it records every request and answers each path with the statuses queued for it,
 * one per request, then 200.
 */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private readonly replies = new Map<string, number[]>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        receiver.deliveries.push({ path, headers: req.headers, body });
        res.writeHead(receiver.replies.get(path)?.shift() ?? 200).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  url(path: string, ...statuses: number[]): string {
    this.replies.set(path, statuses);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  to(path: string): Delivery[] {
    return this.deliveries.filter((d) => d.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** What a receiver does (see README, Webhooks): recompute the HMAC of "<t>.<body>" and compare in constant time. */
function verify(delivery: Delivery, secret: string): boolean {
  const header = String(delivery.headers['ultra-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${delivery.body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhooks', () => {
  let stack: TestStack;
  let receiver: Receiver;
  let user: ApiClient;

  beforeAll(async () => {
    receiver = await Receiver.start();
    stack = await TestStack.start({
      env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_BACKOFF_MS: '200', MOCK_FAIL_MODELS: 'mock:gamma' },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  async function analyze(callbackUrl: string, models = ['mock:alpha', 'mock:beta']): Promise<string> {
    const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Why is the sky blue?',
      models,
      pattern: 'direct',
      callbackUrl,
    });
    expect(res.status).toBe(202);
    return res.body.id;
  }

  async function secret(method: 'GET' | 'POST' = 'GET'): Promise<string> {
    const res = await user.request<WebhookSecret>(method, '/api/webhooks/secret');
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    return res.body.secret;
  }

  /** The analysis once its webhook has been delivered (deliveredAt set). */
  function delivered(id: string): Promise<AnalysisView> {
    return eventually(`the webhook of ${id} to be delivered`, async () => {
      const res = await user.request<AnalysisView>('GET', `/api/analyses/${id}`);
      return res.body.webhook?.deliveredAt ? res.body : undefined;
    });
  }

  it('POSTs the ended analysis, signed with the secret GET /api/webhooks/secret shows', async () => {
    const signingSecret = await secret();
    expect(await secret()).toBe(signingSecret);
    const url = receiver.url('/signed');
    const id = await analyze(url);

    const view = await delivered(id);
    expect(view.webhook).toEqual({ url, attempts: 1, lastStatus: 200, deliveredAt: expect.any(String) });
    const [delivery, ...more] = receiver.to('/signed');
    expect(more).toHaveLength(0);
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers).toMatchObject({
      'content-type': 'application/json',
      'ultra-event': 'analysis.completed',
      'ultra-delivery': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'ultra-signature': expect.stringMatching(/^t=\d+,v1=[0-9a-f]{64}$/),
    });
    expect(verify(delivery, signingSecret)).toBe(true);
    expect(verify({ ...delivery, body: delivery.body.replace('completed', 'failed') }, signingSecret)).toBe(false);
    // The final view as GET answers it, without the delivery's own state.
    const body = JSON.parse(delivery.body) as AnalysisView;
    expect(body).toEqual({ ...view, webhook: undefined });
    expect(body.webhook).toBeUndefined();
  });

  it('retries a receiver that answered 500, and shows both attempts on the analysis', async () => {
    const url = receiver.url('/flaky', 500);
    const id = await analyze(url);

    const view = await delivered(id);
    expect(view.webhook).toEqual({ url, attempts: 2, lastStatus: 200, deliveredAt: expect.any(String) });
    const attempts = receiver.to('/flaky');
    expect(attempts).toHaveLength(2);
    // One delivery, tried twice: the same id and body each time.
    expect(attempts[1]?.headers['ultra-delivery']).toBe(attempts[0]?.headers['ultra-delivery']);
    expect(attempts[1]?.body).toBe(attempts[0]?.body);
  });

  it('shows a receiver’s failure on the analysis while it is retried', async () => {
    const url = receiver.url('/down', 503, 503, 503, 503, 503, 503, 503, 503);
    const id = await analyze(url);
    const view = await eventually('a failed attempt', async () => {
      const res = await user.request<AnalysisView>('GET', `/api/analyses/${id}`);
      return (res.body.webhook?.attempts ?? 0) >= 1 ? res.body : undefined;
    });
    expect(view.webhook).toMatchObject({
      url,
      lastStatus: 503,
      lastError: 'the receiver answered HTTP 503 Service Unavailable',
      deliveredAt: null,
    });
  });

  it('sends analysis.failed for an analysis that failed', async () => {
    const url = receiver.url('/failed');
    const id = await analyze(url, ['mock:gamma']);
    const view = await delivered(id);
    expect(view.status).toBe('failed');
    const [delivery] = receiver.to('/failed');
    expect(delivery?.headers['ultra-event']).toBe('analysis.failed');
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ id, status: 'failed', error: expect.any(Object) });
  });

  it('signs with the new secret once it is rotated', async () => {
    const before = await secret();
    const after = await secret('POST');
    expect(after).not.toBe(before);
    expect(await secret()).toBe(after);

    const id = await analyze(receiver.url('/rotated'));
    await delivered(id);
    const [delivery] = receiver.to('/rotated');
    if (!delivery) throw new Error('no delivery');
    expect(verify(delivery, after)).toBe(true);
    expect(verify(delivery, before)).toBe(false);
  });

  it.each([
    ['a private address', 'http://10.0.0.1/hook', 'callbackUrl is refused: host 10.0.0.1 is a private address'],
    [
      'a metadata address',
      'http://169.254.169.254/',
      'callbackUrl is refused: host 169.254.169.254 is a cloud metadata address',
    ],
    ['IPv6 loopback', 'http://[::1]:8080/', 'callbackUrl is refused: host ::1 is a loopback address'],
    ['a decimal private IPv4', 'http://167772161/', 'callbackUrl is refused: host 10.0.0.1 is a private address'],
    ['a name resolving to loopback', 'http://localhost:9/', 'callbackUrl is refused: host localhost resolves to'],
    ['another scheme', 'ftp://example.com/', 'callbackUrl must be an http:// or https:// URL'],
  ])('refuses %s at submit, storing nothing', async (_case, callbackUrl, message) => {
    const other = await new ApiClient(stack.baseUrl).registerUser();
    const res = await other.request('POST', '/api/analyze', { prompt: 'q', models: ['mock:alpha'], callbackUrl });
    expect(res).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          details: [{ path: 'callbackUrl', message: expect.stringContaining(message) }],
        },
      },
    });
    const list = await other.request<AnalysisPage>('GET', '/api/analyses');
    expect(list.body.analyses).toEqual([]);
  });

  it('needs a token for the secret', async () => {
    const anonymous = new ApiClient(stack.baseUrl);
    expect((await anonymous.request('GET', '/api/webhooks/secret')).status).toBe(401);
    expect((await anonymous.request('POST', '/api/webhooks/secret')).status).toBe(401);
  });
});
