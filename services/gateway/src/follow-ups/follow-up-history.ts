import type { HistoryExchange, ThreadEntry } from '@ultra/contracts';

/** Roughly four characters per token, the rule the estimator and the mock provider count by. */
const CHARS_PER_TOKEN = 4;
const CUT_MARK = '\n…(cut to fit the history budget)';

export interface FittedHistory {
  /** Oldest first. */
  history: HistoryExchange[];
  /** Older exchanges left out to stay within the budget. */
  omitted: number;
}

const tokensOf = (exchange: HistoryExchange): number =>
  Math.ceil((exchange.prompt.length + (exchange.answer?.length ?? 0)) / CHARS_PER_TOKEN);

/**
 * The exchanges that lead to `parentId`, oldest first: the parent and its ancestors through `parentAnalysisId`.
 * Following the links, not the thread's order, keeps a branch (a second follow-up to the same analysis, a rerun
 * beside it) out of another branch's history. A link to an analysis no longer listed (deleted) ends the chain.
 */
export function exchangesLeadingTo(entries: readonly ThreadEntry[], parentId: string): HistoryExchange[] {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const chain: HistoryExchange[] = [];
  const seen = new Set<string>();
  for (let entry = byId.get(parentId); entry && !seen.has(entry.id);) {
    seen.add(entry.id);
    chain.push({ analysisId: entry.id, prompt: entry.prompt, answer: entry.answer });
    entry = entry.parentAnalysisId ? byId.get(entry.parentAnalysisId) : undefined;
  }
  return chain.reverse();
}

/**
 * The newest exchanges that fit in `budgetTokens`, dropping the oldest first. When not even the newest fits, its
 * answer is cut to fit (marked as cut), so a follow-up still sees what it follows up; if its question alone does
 * not fit, nothing is carried.
 */
export function fitHistory(exchanges: readonly HistoryExchange[], budgetTokens: number): FittedHistory {
  let used = 0;
  let start = exchanges.length;
  for (const exchange of [...exchanges].reverse()) {
    used += tokensOf(exchange);
    if (used > budgetTokens) break;
    start -= 1;
  }
  if (start < exchanges.length) return { history: exchanges.slice(start), omitted: start };
  const newest = exchanges.at(-1);
  const room = budgetTokens * CHARS_PER_TOKEN - (newest?.prompt.length ?? 0) - CUT_MARK.length;
  if (!newest?.answer || room <= 0) return { history: [], omitted: exchanges.length };
  const cut = { ...newest, answer: `${newest.answer.slice(0, room).trimEnd()}${CUT_MARK}` };
  return { history: [cut], omitted: exchanges.length - 1 };
}
