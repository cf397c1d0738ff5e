import type { HistoryExchange, ThreadEntry } from '@ultra/contracts';
import { exchangesLeadingTo, fitHistory } from './follow-up-history';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

function entry(n: number, parent: number | null, answer: string | null = `answer ${n}`): ThreadEntry {
  return {
    id: id(n),
    status: answer === null ? 'failed' : 'completed',
    pattern: 'direct',
    models: ['mock:alpha'],
    ultraModel: 'mock:alpha',
    prompt: `question ${n}`,
    createdAt: `2026-01-01T00:00:0${n}.000Z`,
    updatedAt: `2026-01-01T00:00:0${n}.000Z`,
    completedAt: null,
    threadId: id(1),
    parentAnalysisId: parent === null ? null : id(parent),
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    answer,
  };
}

const exchange = (n: number, answer: string | null = `answer ${n}`): HistoryExchange => ({
  analysisId: id(n),
  prompt: `question ${n}`,
  answer,
});

describe('exchangesLeadingTo', () => {
  it('follows the parent links back to the first analysis, oldest first', () => {
    const thread = [entry(1, null), entry(2, 1), entry(3, 2)];
    expect(exchangesLeadingTo(thread, id(3))).toEqual([exchange(1), exchange(2), exchange(3)]);
  });

  it('leaves another branch of the thread out', () => {
    // 3 and 4 both follow up 2; a follow-up to 4 does not see 3.
    const thread = [entry(1, null), entry(2, 1), entry(3, 2), entry(4, 2)];
    expect(exchangesLeadingTo(thread, id(4))).toEqual([exchange(1), exchange(2), exchange(4)]);
  });

  it('keeps a failed analysis’ question without an answer, and stops at a deleted link', () => {
    const thread = [entry(2, 1, null), entry(3, 2)];
    expect(exchangesLeadingTo(thread, id(3))).toEqual([exchange(2, null), exchange(3)]);
  });
});

describe('fitHistory', () => {
  // Each exchange: 10 + 8 characters = 5 tokens.
  const three = [exchange(1), exchange(2), exchange(3)];

  it.each([
    ['everything fits', 100, [1, 2, 3], 0],
    ['exactly three', 15, [1, 2, 3], 0],
    ['one token short drops the oldest', 14, [2, 3], 1],
    ['room for one', 5, [3], 2],
  ])('%s', (_, budget, kept, omitted) => {
    const fitted = fitHistory(three, budget);
    expect(fitted.history.map((e) => e.analysisId)).toEqual(kept.map(id));
    expect(fitted.omitted).toBe(omitted);
  });

  it('cuts the newest answer when not even it fits, and says so', () => {
    const long = { analysisId: id(1), prompt: 'q', answer: 'x'.repeat(1_000) };
    const { history, omitted } = fitHistory([exchange(2), long], 20);
    expect(omitted).toBe(1);
    expect(history).toHaveLength(1);
    expect(history[0]?.answer).toMatch(/^x+\n…\(cut to fit the history budget\)$/);
    expect((history[0]?.answer ?? '').length + 1).toBeLessThanOrEqual(20 * 4);
  });

  it('carries nothing with a budget of 0', () => {
    expect(fitHistory(three, 0)).toEqual({ history: [], omitted: 3 });
  });
});
