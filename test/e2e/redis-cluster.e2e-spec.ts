import type { AnalysisView, AnalyzeAccepted, ApiErrorBody } from '@ultra/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiClient } from '../support/api';
import { startClusterNode } from '../support/redis-cluster';
import { TestStack } from '../support/stack';
import { readSse } from '../support/sse';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

/** Every key of the Redis, by SCAN (the node is this test's own). */
async function allKeys(url: string): Promise<string[]> {
  const client = new Redis(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  } finally {
    client.disconnect();
  }
}

/**
 * Redis Cluster refuses a command or script whose keys hash to different slots (CROSSSLOT). With QUEUE_PREFIX in
 * braces every key Ultra writes carries one hash tag, so the whole installation lives in one slot. Checked on a
 * cluster-mode redis-server (one node holding every slot: cluster rules, no redirects).
 */
describe('QUEUE_PREFIX as a hash tag on Redis Cluster (and a full Redis)', () => {
  it('is needed: BullMQ on a cluster fails with a plain prefix and works with one in braces', async () => {
    const node = await startClusterNode();
    const plain = new Queue('probe', { connection: { url: node.url }, prefix: 'ultra-plain' });
    const tagged = new Queue('probe', { connection: { url: node.url }, prefix: node.prefix });
    try {
      await expect(plain.add('job', { n: 1 })).rejects.toThrow(/CROSSSLOT/);
      await expect(tagged.add('job', { n: 1 })).resolves.toMatchObject({ id: expect.any(String) });
      expect(await tagged.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await Promise.all([plain.close(), tagged.close()]);
      await node.stop();
    }
  });

  describe('the whole stack with QUEUE_PREFIX={…} on a cluster node', () => {
    let stack: TestStack;
    let user: ApiClient;
    let redisUrl: string;
    let prefix: string;

    beforeAll(async () => {
      const node = await startClusterNode();
      redisUrl = node.url;
      prefix = node.prefix;
      stack = await TestStack.start({ workers: 2, redis: node, env: { QUEUE_PREFIX: node.prefix } });
      user = await new ApiClient(stack.baseUrl).registerUser();
    });

    afterAll(async () => {
      await stack?.stop();
    });

    it('runs analyses (SSE, idempotent submit, cancel) with every key under the tag', async () => {
      const submit = (pattern: string, headers: Record<string, string> = {}) =>
        user.request<AnalyzeAccepted>(
          'POST',
          '/api/analyze',
          { prompt: 'Why is the sky blue?', models, pattern },
          headers,
        );
      const first = await submit('critique', { 'idempotency-key': 'cluster-1' });
      expect(first.status).toBe(202);
      const again = await submit('critique', { 'idempotency-key': 'cluster-1' });
      expect(again.body.id).toBe(first.body.id);
      const live = await readSse(`${stack.baseUrl}/api/analyses/${first.body.id}/events`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(live.messages.at(-1)?.event).toBe('analysis.completed');

      const others = await Promise.all([submit('confidence'), submit('council'), submit('critique')]);
      const cancelled = await user.request('POST', `/api/analyses/${others[2].body.id}/cancel`);
      expect(cancelled.status).toBeLessThan(300);
      const ended = await Promise.all(others.map((o) => user.waitForAnalysis(o.body.id)));
      expect(ended.slice(0, 2).map((a: AnalysisView) => a.status)).toEqual(['completed', 'completed']);
      // Cancelled, unless it had already finished (mock models are fast).
      const last = ended[2];
      expect(last.status === 'completed' || last.error?.code === 'cancelled').toBe(true);
      // A failed sign-in writes the login throttle's keys too.
      const badLogin = await new ApiClient(stack.baseUrl).request('POST', '/api/auth/login', {
        email: 'nobody@example.com',
        password: 'wrong password here',
      });
      expect(badLogin.status).toBe(401);

      const keys = await allKeys(redisUrl);
      const families = new Set(keys.map((k) => k.slice(prefix.length + 1).split(':')[0]));
      expect(keys.filter((key) => !key.startsWith(`${prefix}:`))).toEqual([]);
      // Queues, heartbeats, events, idempotency, login throttle: the check covered Ultra's own keys, not only BullMQ's.
      for (const family of ['analyses', 'model-tasks', 'results', 'health', 'idempotency', 'login-failures']) {
        expect(families).toContain(family);
      }
    });

    // This stack has a Redis of its own, so it can be filled up: with noeviction a full Redis refuses writes.
    it('answers 503 naming Redis out of memory while Redis is full, and works again once it is not', async () => {
      const admin = new Redis(redisUrl);
      try {
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        await admin.config('SET', 'maxmemory', '1');
        const refused = await user.request<ApiErrorBody>('POST', '/api/analyze', { prompt: 'Full?', models });
        expect(refused.status).toBe(503);
        expect(refused.body.error).toMatchObject({
          code: 'service_unavailable',
          message: 'Redis is out of memory, try again later',
        });
        await admin.config('SET', 'maxmemory', '0');
        const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', { prompt: 'Full?', models });
        expect(accepted.status).toBe(202);
        expect((await user.waitForAnalysis(accepted.body.id)).status).toBe('completed');
      } finally {
        await admin.config('SET', 'maxmemory', '0');
        admin.disconnect();
      }
    });
  });
});
