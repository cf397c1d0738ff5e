import type { RecordedRequest } from './fake-server';
import { ALL_FAULT_KINDS, FaultInjector, FaultKind, faultReply } from './faults';

const request: RecordedRequest = { method: 'POST', path: '/v1/chat/completions', headers: {}, body: {} };

function draw(faults: FaultInjector, vendor: string, n: number) {
  const rule = faults.rule(vendor);
  return Array.from({ length: n }, () => rule(request));
}

describe('FaultInjector', () => {
  it('fails about the configured fraction of calls, with every kind, and counts them', () => {
    const faults = new FaultInjector({ rate: 0.3, seed: 3 });
    draw(faults, 'openai', 6_000);
    const counts = faults.counts.openai;
    expect(faults.injected / 6_000).toBeGreaterThan(0.27);
    expect(faults.injected / 6_000).toBeLessThan(0.33);
    for (const kind of ALL_FAULT_KINDS) expect(counts[kind]).toBeGreaterThan(200);
    expect(counts.ok + faults.injected).toBe(6_000);
  });

  it('draws the same faults for the same seed', () => {
    const one = draw(new FaultInjector({ rate: 0.5, seed: 9 }), 'anthropic', 50);
    const two = draw(new FaultInjector({ rate: 0.5, seed: 9 }), 'anthropic', 50);
    expect(one).toEqual(two);
  });

  it('answers 503 to every call during an outage and lets calls through at rate 0', () => {
    const faults = new FaultInjector({ rate: 0.3 });
    faults.outage('mistral', true);
    expect(draw(faults, 'mistral', 20).every((r) => r?.status === 503)).toBe(true);
    faults.outage('mistral', false);
    faults.setRate(0);
    expect(draw(faults, 'mistral', 20).every((r) => r?.status === undefined)).toBe(true);
    expect(faults.counts.mistral).toMatchObject({ unavailable: 20, ok: 20 });
  });

  it('keeps the success reply (latency) under a stream fault', () => {
    const faults = new FaultInjector({ rate: 1, kinds: [FaultKind.CutStream], success: { latencyMs: 50 } });
    expect(draw(faults, 'gemini', 1)[0]).toMatchObject({ latencyMs: 50, cutOff: true });
  });

  it.each([
    [FaultKind.RateLimit, { status: 429, retryAfterSeconds: 2 }],
    [FaultKind.ServerError, { status: 500 }],
    [FaultKind.Unavailable, { status: 503 }],
    [FaultKind.Timeout, { latencyMs: 4_000 }],
    [FaultKind.CutStream, { cutOff: true }],
    [FaultKind.MalformedStream, { malformed: true }],
  ])('renders %s', (kind, expected) => {
    expect(faultReply(kind, { retryAfterSeconds: 2, hangMs: 4_000 })).toMatchObject(expected);
  });
});
