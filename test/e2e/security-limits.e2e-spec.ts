import { ApiClient, type ApiResponse } from '../support/api';
import { freePort } from '../support/ports';
import { ServiceProcess } from '../support/service-process';
import { dist, TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta'];
const REQUESTS_PER_MINUTE = 8;
const ANALYSES_PER_MINUTE = 3;

describe('security: tier limits hold across two gateway processes on the same Redis', () => {
  let stack: TestStack;
  let second: ServiceProcess;
  let secondUrl: string;

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 1,
      env: {
        MOCK_LATENCY_MS: '5',
        TIERS: JSON.stringify({
          free: { requestsPerMinute: REQUESTS_PER_MINUTE, analysesPerMinute: ANALYSES_PER_MINUTE },
        }),
      },
    });
    const port = await freePort();
    second = new ServiceProcess('gateway-2', dist('gateway'), { ...stack.env, PORT: String(port) });
    secondUrl = `http://127.0.0.1:${port}`;
    await second.ready();
  }, 60_000);

  afterAll(async () => {
    await second?.kill('SIGKILL');
    await stack?.stop();
  });

  /** The same user's token on both gateways. */
  async function clients(): Promise<[ApiClient, ApiClient]> {
    const one = await new ApiClient(stack.baseUrl).registerUser();
    return [one, new ApiClient(secondUrl, one.token)];
  }

  function expectRefusal(res: ApiResponse): void {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-limit') ?? res.headers.get('ratelimit')).toBeTruthy();
    expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  }

  it('counts requests of both gateways against one per-minute limit', async () => {
    const [one, two] = await clients();
    const answers: ApiResponse[] = [];
    // As many requests to each gateway as the limit: per-process counting would accept them all.
    for (let i = 0; i < REQUESTS_PER_MINUTE; i++) {
      answers.push(await one.request('GET', '/api/analyses'), await two.request('GET', '/api/analyses'));
    }
    expect(answers.filter((r) => r.status === 200)).toHaveLength(REQUESTS_PER_MINUTE);
    const refused = answers.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(REQUESTS_PER_MINUTE);
    refused.forEach(expectRefusal);
  });

  it('counts analyses of both gateways against one per-minute limit', async () => {
    const [one, two] = await clients();
    const answers: ApiResponse[] = [];
    for (let i = 0; i < ANALYSES_PER_MINUTE; i++) {
      for (const client of [one, two])
        answers.push(await client.request('POST', '/api/analyze', { prompt: `q${i}`, models }));
    }
    expect(answers.filter((r) => r.status === 202)).toHaveLength(ANALYSES_PER_MINUTE);
    const refused = answers.filter((r) => r.status !== 202);
    expect(refused).toHaveLength(ANALYSES_PER_MINUTE);
    refused.forEach(expectRefusal);
  });
});
