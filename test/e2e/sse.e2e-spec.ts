import type { AnalysisView, AnalyzeAccepted, PushEvent } from '@ultra/contracts';
import { analysisEventsSeenKey, analysisEventsStream } from '@ultra/contracts';
import { Redis } from 'ioredis';
import { ApiClient } from '../support/api';
import { freePort } from '../support/ports';
import { ServiceProcess } from '../support/service-process';
import { readSse, type SseMessage } from '../support/sse';
import { dist, TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

/** Type and position of each event, e.g. `stage.started:1` or `output.completed:0:mock:beta`. */
function outline(messages: SseMessage[]): string[] {
  return messages.map(({ data: e }) => {
    if (e.type === 'output.delta' || e.type === 'output.completed' || e.type === 'output.failed') {
      return `${e.type}:${e.stageIndex}:${e.model}`;
    }
    if ('stageIndex' in e) return `${e.type}:${e.stageIndex}`;
    return e.type;
  });
}

/** What a correct stream of a completed critique with three models looks like, stage run by stage run. */
function expectCritiqueOrder(messages: SseMessage[], view: AnalysisView): void {
  const events = messages.map((m) => m.data);
  expect(events[0].type).toBe('analysis.started');
  expect(events.at(-1)).toMatchObject({ type: 'analysis.completed', result: view.result });
  expect(events.every((e) => e.analysisId === view.id)).toBe(true);
  // Every id is a stream entry id and they only grow: what Last-Event-ID resumes from.
  const ids = messages.map((m) => m.id.split('-').map(Number));
  for (let i = 1; i < ids.length; i++) {
    expect(ids[i][0] > ids[i - 1][0] || (ids[i][0] === ids[i - 1][0] && ids[i][1] > ids[i - 1][1])).toBe(true);
  }
  const lines = outline(messages);
  const at = (line: string) => lines.indexOf(line);
  for (const stage of view.stages) {
    const i = stage.index!;
    expect(at(`stage.started:${i}`)).toBeGreaterThan(0);
    expect(at(`stage.completed:${i}`)).toBeGreaterThan(at(`stage.started:${i}`));
    if (i > 0) expect(at(`stage.started:${i}`)).toBeGreaterThan(at(`stage.completed:${i - 1}`));
    for (const output of stage.outputs) {
      const mine = events.filter(
        (e): e is Extract<PushEvent, { model: string }> =>
          'model' in e && e.type.startsWith('output.') && e.stageIndex === i && e.model === output.model,
      );
      // The text streams as deltas, then one end event, all inside the stage run.
      expect(mine.map((e) => e.type).at(-1)).toBe('output.completed');
      expect(mine.map((e) => (e.type === 'output.delta' ? e.text : '')).join('')).toBe(output.text);
      const first = events.indexOf(mine[0]);
      const last = events.indexOf(mine.at(-1)!);
      expect(first).toBeGreaterThan(at(`stage.started:${i}`));
      expect(last).toBeLessThan(at(`stage.completed:${i}`));
    }
    expect(events[at(`stage.completed:${i}`)]).toMatchObject({
      type: 'stage.completed',
      stage: stage.id,
      label: stage.label,
      status: 'completed',
      outputs: stage.outputs.map((o): unknown => expect.objectContaining({ model: o.model, status: 'completed' })),
    });
  }
  expect(lines.filter((l) => l.startsWith('output.completed'))).toHaveLength(10);
  expect(lines.filter((l) => l.startsWith('stage.started'))).toHaveLength(4);
}

describe('live progress over SSE', () => {
  let stack: TestStack;
  let user: ApiClient;
  let second: ServiceProcess;
  let secondUrl: string;

  beforeAll(async () => {
    // Slow enough that a client connects while the first stage runs and sees quiet spells (heartbeats).
    stack = await TestStack.start({
      workers: 1,
      env: { MOCK_LATENCY_MS: '400', SSE_HEARTBEAT_MS: '150', STREAM_TOKEN_TTL_S: '2' },
    });
    const port = await freePort();
    second = new ServiceProcess('gateway-2', dist('gateway'), { ...stack.env, PORT: String(port) });
    secondUrl = `http://127.0.0.1:${port}`;
    await second.ready();
    user = await new ApiClient(stack.baseUrl).registerUser();
  });

  afterAll(async () => {
    await second?.kill('SIGKILL');
    await stack?.stop();
  });

  const auth = (client: ApiClient) => ({ authorization: `Bearer ${client.token}` });
  const eventsUrl = (id: string, base = stack.baseUrl) => `${base}/api/analyses/${id}/events`;

  async function analyze(client = user): Promise<string> {
    const res = await client.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Why is the sky blue?',
      models,
      pattern: 'critique',
    });
    expect(res.status).toBe(202);
    return res.body.id;
  }

  describe('one analysis followed live, then replayed', () => {
    let id: string;
    let live: Awaited<ReturnType<typeof readSse>>;
    let view: AnalysisView;

    beforeAll(async () => {
      id = await analyze();
      live = await readSse(eventsUrl(id), { headers: auth(user) });
      view = await user.waitForAnalysis(id);
    });

    it('streams every event of a critique in order, with heartbeats, and closes after the end', () => {
      expect(live.status).toBe(200);
      expect(live.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(live.closedByServer).toBe(true);
      expect(view.status).toBe('completed');
      expectCritiqueOrder(live.messages, view);
      expect(live.messages.every((m) => m.event === m.data.type)).toBe(true);
      expect(live.comments).toContain('heartbeat');
    });

    it('replays everything and closes when the client connects after the end', async () => {
      const again = await readSse(eventsUrl(id), { headers: auth(user) });
      expect(again.closedByServer).toBe(true);
      expect(again.messages).toEqual(live.messages);
    });

    it('resumes after any event with Last-Event-ID (header or query): no gap, no repeat', async () => {
      const all = live.messages;
      for (const k of [0, 1, Math.floor(all.length / 2), all.length - 2, all.length - 1]) {
        const lastId = all[k].id;
        const byHeader = await readSse(eventsUrl(id), { headers: { ...auth(user), 'last-event-id': lastId } });
        const byQuery = await readSse(`${eventsUrl(id)}?lastEventId=${lastId}`, { headers: auth(user) });
        expect([...all.slice(0, k + 1), ...byHeader.messages]).toEqual(all);
        expect(byQuery.messages).toEqual(byHeader.messages);
        expect(byHeader.closedByServer).toBe(true);
      }
    });

    it('rebuilds the events from the store once the Redis stream has expired, under stable ids', async () => {
      const redis = new Redis(stack.env.REDIS_URL);
      try {
        await redis.del(
          analysisEventsStream(stack.env.QUEUE_PREFIX, id),
          analysisEventsSeenKey(stack.env.QUEUE_PREFIX, id),
        );
      } finally {
        redis.disconnect();
      }
      const rebuilt = await readSse(eventsUrl(id), { headers: auth(user) });
      expect(rebuilt.closedByServer).toBe(true);
      expect(rebuilt.messages.map((m) => m.id)).toEqual(rebuilt.messages.map((_, n) => `0-${n + 1}`));
      expectCritiqueOrder(rebuilt.messages, view);
      // Each output's whole text arrives as one delta.
      expect(outline(rebuilt.messages).filter((l) => l.startsWith('output.delta'))).toHaveLength(10);
      // The same on the other gateway, and resumable after any of its ids.
      const other = await readSse(eventsUrl(id, secondUrl), { headers: auth(user) });
      expect(other.messages).toEqual(rebuilt.messages);
      const resumed = await readSse(eventsUrl(id), { headers: { ...auth(user), 'last-event-id': '0-7' } });
      expect(resumed.messages).toEqual(rebuilt.messages.slice(7));
      // An id of the expired stream cannot be placed any more: the client learns the end.
      const stale = await readSse(eventsUrl(id), { headers: { ...auth(user), 'last-event-id': live.messages[3].id } });
      expect(stale.messages.map((m) => m.data.type)).toEqual(['analysis.completed']);
    });
  });

  it('serves one stream from two gateway processes, resuming on one what began on the other', async () => {
    const id = await analyze();
    const onSecond = readSse(eventsUrl(id, secondUrl), { headers: auth(user) });
    const firstPart = await readSse(eventsUrl(id), { headers: auth(user), stopAfter: 3 });
    const rest = await readSse(eventsUrl(id, secondUrl), {
      headers: { ...auth(user), 'last-event-id': firstPart.messages.at(-1)!.id },
    });
    const whole = await onSecond;
    expect(whole.closedByServer).toBe(true);
    expect([...firstPart.messages, ...rest.messages]).toEqual(whole.messages);
    expectCritiqueOrder(whole.messages, await user.waitForAnalysis(id));
  });

  it('resumes a live stream from several points while the analysis runs, with nothing lost or repeated', async () => {
    const id = await analyze();
    const reference = readSse(eventsUrl(id), { headers: auth(user) });
    const pieces: SseMessage[] = [];
    for (;;) {
      const last = pieces.at(-1)?.id;
      const part = await readSse(eventsUrl(id), {
        headers: { ...auth(user), ...(last && { 'last-event-id': last }) },
        stopAfter: 4,
      });
      pieces.push(...part.messages);
      if (part.closedByServer) break;
    }
    expect(pieces).toEqual((await reference).messages);
  });

  it('ends with analysis.failed and the code when the analysis is cancelled', async () => {
    const id = await analyze();
    const reading = readSse(eventsUrl(id), { headers: auth(user) });
    await user.request('POST', `/api/analyses/${id}/cancel`);
    const read = await reading;
    expect(read.closedByServer).toBe(true);
    expect(read.messages.at(-1)?.data).toMatchObject({ type: 'analysis.failed', error: { code: 'cancelled' } });
  });

  describe('who may read a stream', () => {
    it('answers 401 without a token and 404 for another user’s analysis or an unknown one', async () => {
      const id = await analyze();
      expect((await readSse(eventsUrl(id))).status).toBe(401);
      const other = await new ApiClient(stack.baseUrl).registerUser();
      const refused = await readSse(eventsUrl(id), { headers: auth(other) });
      expect(refused).toMatchObject({ status: 404, error: { error: { code: 'analysis_not_found' } } });
      expect((await other.request('POST', `/api/analyses/${id}/stream-token`)).status).toBe(404);
      expect((await readSse(eventsUrl('9b2f4c1e-0000-4000-8000-000000000000'), { headers: auth(user) })).status).toBe(
        404,
      );
      await user.waitForAnalysis(id);
    });

    it('accepts a stream token for its analysis only, and not once it has expired', async () => {
      const id = await analyze();
      const otherId = await analyze();
      const issued = await user.request<{ token: string; expiresAt: string }>(
        'POST',
        `/api/analyses/${id}/stream-token`,
      );
      expect(issued.status).toBe(200);
      expect(Date.parse(issued.body.expiresAt)).toBeGreaterThan(Date.now() - 1_000);
      const { token } = issued.body;
      const elsewhere = await readSse(`${eventsUrl(otherId)}?token=${token}`);
      expect(elsewhere).toMatchObject({
        status: 401,
        error: { error: { message: expect.stringMatching(/another analysis/) } },
      });
      // Not an access token: the rest of the API refuses it.
      const asBearer = await new ApiClient(stack.baseUrl, token).request('GET', `/api/analyses/${id}`);
      expect(asBearer.status).toBe(401);
      // Connected within its lifetime (STREAM_TOKEN_TTL_S=2), the stream runs to its end even after it expires.
      const read = await readSse(`${eventsUrl(id)}?token=${token}`);
      expect(read.status).toBe(200);
      expect(read.messages.at(-1)?.data.type).toBe('analysis.completed');
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(issued.body.expiresAt) - Date.now()) + 1_100));
      const expired = await readSse(`${eventsUrl(id)}?token=${token}`);
      expect(expired).toMatchObject({ status: 401, error: { error: { message: expect.stringMatching(/expired/) } } });
      await user.waitForAnalysis(otherId);
    });

    it('refuses a malformed Last-Event-ID with 400', async () => {
      const id = await analyze();
      const read = await readSse(eventsUrl(id), { headers: { ...auth(user), 'last-event-id': 'yesterday' } });
      expect(read).toMatchObject({ status: 400, error: { error: { code: 'validation_failed' } } });
      await user.waitForAnalysis(id);
    });
  });
});
