import fc from 'fast-check';
import { ApiClient } from '../support/api';
import { type FuzzRequest, fuzzRequests } from '../support/fuzz-requests';
import { type FuzzAnswer, send } from '../support/fuzz-send';
import { documentedRoutes } from '../support/security';
import { TestStack } from '../support/stack';

const RUNS = 5_000;
const CONCURRENCY = 8;
// FUZZ_SEED reproduces a failed run: the failure message prints the seed it used.
// A fixed default keeps CI repeatable; FUZZ_SEED=random explores new inputs.
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Date.now() % 2 ** 31
    : process.env.FUZZ_SEED
      ? Number(process.env.FUZZ_SEED)
      : 20_261_130;
/** The gateway's JSON body limit (BODY_LIMIT_BYTES default): past it the server may answer 413 and close at once. */
const BODY_LIMIT_BYTES = 1_048_576;

/** What is wrong with an answer: a 5xx, or an error that is not `{error:{code,message}}` with a request id. */
function problemOf(answer: FuzzAnswer, method: string): string | undefined {
  if (answer.invalidHttp) return `not valid HTTP after a ${answer.status} answer: ${answer.invalidHttp}`;
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status < 400) return undefined;
  if (!answer.headers['x-request-id']) return 'no x-request-id header';
  if (!String(answer.headers['content-type']).startsWith('application/json')) {
    return `content-type ${String(answer.headers['content-type'])}`;
  }
  if (method === 'HEAD') return undefined;
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string')
      return 'not {error:{code,message}}';
  } catch {
    return 'a body that is not JSON';
  }
  const lower = answer.text.toLowerCase();
  if (/node_modules|\bat [\w.<>]+ \(.*:\d+:\d+\)|"stack"|fastify|nestjs|typeorm/.test(lower))
    return 'internals in the error';
  return undefined;
}

const shorten = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);

describe('security: fuzzing every documented route with malformed requests', () => {
  let stack: TestStack;
  let requests: FuzzRequest[];

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 1,
      env: {
        MOCK_LATENCY_MS: '5',
        TIERS: JSON.stringify({
          free: { requestsPerMinute: 1_000_000, analysesPerMinute: 1_000_000, dailyBudgetUsd: 1_000 },
        }),
      },
    });
    const user = await new ApiClient(stack.baseUrl).registerUser();
    const key = await user.request<{ key: string }>('POST', '/api/api-keys', {
      name: 'fuzz',
      scopes: ['read', 'analyze'],
    });
    const routes = await documentedRoutes(stack.baseUrl);
    requests = fc.sample(fuzzRequests(routes, { accessToken: user.token!, apiKey: key.body?.key ?? 'ultra_sk_none' }), {
      seed: SEED,
      numRuns: RUNS,
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it(`answers ${RUNS} malformed requests without a 5xx, every error as JSON {error:{code,message}} with a request id`, async () => {
    // Each kind of problem with how often it happened and its first examples, so one kind cannot hide another.
    const problems: Record<string, { count: number; examples: string[] }> = {};
    const statuses: Record<number, number> = {};
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const fuzz = requests[next++];
        let problem: string | undefined;
        try {
          const answer = await send(stack.baseUrl, fuzz);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          problem = problemOf(answer, fuzz.method);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A server that refuses a body over its limit answers 413 and closes while the client is still writing;
          // the client's write may then fail before it reads the answer. Any other lost answer is a problem.
          const refusedBody =
            (code === 'EPIPE' || code === 'ECONNRESET') && (fuzz.body?.length ?? 0) > BODY_LIMIT_BYTES;
          if (!refusedBody) problem = `no answer: ${(error as Error).message}`;
        }
        if (!problem) continue;
        const kind = (problems[`${fuzz.method === 'HEAD' ? 'HEAD: ' : ''}${problem}`] ??= { count: 0, examples: [] });
        kind.count++;
        if (kind.examples.length < 3) {
          const body = fuzz.body ? shorten(fuzz.body.toString('utf8')) : '';
          kind.examples.push(`${fuzz.method} ${shorten(fuzz.path)} ${shorten(JSON.stringify(fuzz.headers))} ${body}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // The requests got past authentication and into the routes' checks, not only bounced at the door.
    const seen = Object.keys(statuses).map(Number);
    expect({ seed: SEED, statuses, seen }).toMatchObject({
      seen: expect.arrayContaining([200, 400, 401, 404, 413, 415]),
    });
    expect({ seed: SEED, problems }).toEqual({ seed: SEED, problems: {} });
  }, 120_000);
});
