import { type OutputSchemaName, parseModelJson } from '@ultra/contracts';
import { MockProvider } from './mock.provider';
import { sharedClaims } from './mock-voices';

const mock = new MockProvider({ latencyMs: 0, failureRate: 0, failModels: [] });
const signal = new AbortController().signal;
const voices = ['alpha', 'beta', 'gamma', 'delta'];
const peers = (question: string, letters = ['A', 'B', 'C']) =>
  `${question}\n\n${letters.map((l) => `### Response ${l}\nanswer ${l}`).join('\n\n')}\n\nNow answer as asked.`;

async function answer(model: string, prompt: string, schema?: OutputSchemaName) {
  const res = await mock.complete(
    { model, messages: [{ role: 'user', content: prompt }], output: { format: 'json', schema }, stream: false },
    signal,
  );
  const parsed = parseModelJson(res.text, schema);
  if (!parsed.ok) throw new Error(`${model} answered unparseable ${schema}: ${parsed.error}\n${res.text}`);
  return { text: res.text, data: parsed.data };
}

describe('MockProvider json output', () => {
  it('ranks exactly the answers the prompt shows, in an order of its own per model and prompt', async () => {
    const orders = new Set<string>();
    for (const question of ['Why is the sky blue?', 'What is a queue?', 'How do tides work?']) {
      for (const model of voices) {
        const { ranking } = (await answer(model, peers(question, ['A', 'B', 'C', 'D']), 'ranking')).data;
        const letters = (ranking as string[]).map((label) => label.replace('Response ', ''));
        expect([...letters].sort()).toEqual(['A', 'B', 'C', 'D']);
        orders.add(letters.join(''));
      }
    }
    expect(orders.size).toBeGreaterThan(3);
  });

  it('writes its JSON the way real models do: plain, fenced after a sentence, or with bare letters', async () => {
    expect((await answer('alpha', peers('Q'), 'ranking')).text).toMatch(/^\{"ranking":\["Response [A-C]"/);
    expect((await answer('beta', peers('Q'), 'ranking')).text).toMatch(/^Here is my answer[^\n]*\n\n```json\n\{/);
    expect((await answer('delta', peers('Q'), 'ranking')).data.ranking).toEqual(
      expect.arrayContaining([expect.stringMatching(/^[A-C]$/)]),
    );
  });

  it('votes for one of the answers shown, not always the first', async () => {
    const votes = new Set<unknown>();
    for (const question of ['Q1', 'Q2', 'Q3', 'Q4']) {
      for (const model of voices) {
        const { data } = await answer(model, peers(question, ['A', 'B', 'C']), 'vote');
        expect(data).toEqual({ vote: expect.stringMatching(/^Response [A-C]$/), reason: expect.any(String) });
        votes.add(data.vote);
      }
    }
    expect(votes.size).toBeGreaterThan(1);
  });

  it('cannot rank or vote when the prompt shows no answers, and the answer says so by not parsing', async () => {
    for (const schema of ['ranking', 'vote'] as const) {
      const res = await mock.complete(
        {
          model: 'alpha',
          messages: [{ role: 'user', content: 'Q' }],
          output: { format: 'json', schema },
          stream: false,
        },
        signal,
      );
      expect(parseModelJson(res.text, schema)).toMatchObject({ ok: false });
    }
  });

  it('reviews in 3–4 claims, sharing at least one claim of the common pool with every other model', async () => {
    const reviews: string[][] = [];
    for (const model of voices) {
      const { claims } = (await answer(model, peers('How do tides work?'), 'review')).data as {
        claims: { claim: string; confidence: string }[];
      };
      expect(claims.length).toBeGreaterThanOrEqual(3);
      expect(claims.length).toBeLessThanOrEqual(4);
      expect(claims.every((c) => ['high', 'medium', 'low'].includes(c.confidence))).toBe(true);
      reviews.push(claims.map((c) => c.claim.toLowerCase()));
    }
    const inPool = (claim: string) => sharedClaims.some((pooled) => claim.includes(pooled));
    expect(reviews.every((claims) => claims.filter(inPool).length === 2 && claims.some((c) => !inPool(c)))).toBe(true);
    const everywhere = sharedClaims.filter((pooled) =>
      reviews.every((claims) => claims.some((c) => c.includes(pooled))),
    );
    expect(everywhere.length).toBeGreaterThanOrEqual(1);
  });

  it('rules on claims with verdicts and confidences', async () => {
    const { data } = await answer('gamma', peers('Is coffee healthy?'), 'verdicts');
    expect(data.answer).toMatch(/^A broader view on "Is coffee healthy\?"/);
    expect(data.claims).toEqual(
      expect.arrayContaining([
        {
          claim: expect.any(String),
          verdict: expect.stringMatching(/^(verified|flagged|uncertain)$/),
          confidence: expect.any(Number),
        },
      ]),
    );
  });

  it('rates its confidence from a hash, unless the prompt fixes it with mock-confidence=<number>', async () => {
    const confidences = new Set<unknown>();
    for (const model of voices) {
      const { data } = await answer(model, 'Will it rain tomorrow?', 'confidence');
      expect(data).toEqual({
        answer: expect.stringContaining('Will it rain tomorrow?'),
        confidence: expect.any(Number),
      });
      expect(data).toEqual((await answer(model, 'Will it rain tomorrow?', 'confidence')).data);
      confidences.add(data.confidence);
    }
    expect(confidences.size).toBeGreaterThan(1);
    const steered = await answer('alpha', 'Will it rain tomorrow? mock-confidence=0.25', 'confidence');
    expect(steered.data.confidence).toBe(0.25);
  });

  it('answers json without a named shape as {"answer": ...}', async () => {
    expect((await answer('alpha', 'What is a queue?')).data).toEqual({
      answer: expect.stringMatching(/^Short answer on "What is a queue\?"/),
    });
  });
});
