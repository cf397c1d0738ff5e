import { parseModelJson } from './output-formats';

describe('parseModelJson', () => {
  it('reads a fenced block after prose', () => {
    const text = 'My ranking:\n```json\n{"ranking": ["Response B", "Response A"]}\n```\nThanks.';
    expect(parseModelJson(text, 'ranking')).toEqual({ ok: true, data: { ranking: ['Response B', 'Response A'] } });
  });

  it('finds the object in trailing text, braces inside strings included', () => {
    const text = 'Sure. {"vote": "B", "reason": "it says {x} clearly"} — done';
    expect(parseModelJson(text, 'vote')).toEqual({ ok: true, data: { vote: 'B', reason: 'it says {x} clearly' } });
  });

  it('normalises levels and percentages', () => {
    expect(parseModelJson('{"answer": "x", "confidence": "85%"}', 'confidence')).toEqual({
      ok: true,
      data: { answer: 'x', confidence: 0.85 },
    });
    expect(parseModelJson('{"claims": [{"claim": "c", "confidence": " High "}]}', 'review')).toMatchObject({
      ok: true,
      data: { claims: [{ confidence: 'high' }] },
    });
  });

  it('says why an answer cannot be used', () => {
    expect(parseModelJson('no json here', 'ranking')).toEqual({
      ok: false,
      error: 'no JSON object found in the answer',
    });
    expect(parseModelJson('{"ranking": "A"}', 'ranking')).toMatchObject({
      ok: false,
      error: expect.stringContaining('does not match the ranking shape: ranking'),
    });
    expect(parseModelJson('{"ranking": ["A"', 'ranking')).toMatchObject({ ok: false });
  });

  it('takes any object when no shape is named', () => {
    expect(parseModelJson('[1] then {"a": 1}')).toEqual({ ok: true, data: { a: 1 } });
  });
});
