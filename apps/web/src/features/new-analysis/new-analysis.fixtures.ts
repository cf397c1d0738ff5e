import type { AnalysisEstimate, PatternInfo } from '@ultra/contracts';
import { vi } from 'vitest';
import type { CatalogModel } from './use-analysis-choices';

/** API answers for the new-analysis tests: a small catalog, two patterns, an estimate, and a fetch stub. */
export const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

const model = (id: string, displayName: string, extra: Partial<CatalogModel> = {}): CatalogModel => {
  const [provider, name] = id.split(':');
  return { id, provider, name, displayName, status: 'ready', fallbacks: [], ...extra };
};

export const models: CatalogModel[] = [
  model('mock:alpha', 'Mock Alpha', { pricing: { inputPerMTok: 0.5, outputPerMTok: 1.5 } }),
  model('openai:gpt-x', 'GPT X', { status: 'needs_key' }),
  model('mock:beta', 'Mock Beta'),
  model('anthropic:claude-y', 'Claude Y', { status: 'degraded', reason: 'breaker open since 12:00' }),
];

export const patterns: PatternInfo[] = [
  {
    id: 'confidence',
    name: 'Confidence',
    description: 'Each model answers with its confidence; the ultra model weighs them.',
    source: 'builtin',
    params: {},
    stages: [
      { id: 'answer', label: 'Answer', kind: 'generate' },
      { id: 'synthesis', label: 'Synthesis', kind: 'generate', description: 'The ultra model concludes.' },
    ],
  },
  {
    id: 'debate',
    name: 'Debate',
    description: 'Models argue over several rounds.',
    source: 'builtin',
    params: { rounds: { type: 'integer', default: 2, min: 1, max: 5, description: 'Rounds of rebuttal' } },
    stages: [
      { id: 'open', label: 'Opening statements', kind: 'generate' },
      { id: 'rebut', label: 'Rebuttals', kind: 'generate' },
      { id: 'judge', label: 'Verdict', kind: 'generate' },
    ],
  },
];

const range = (low: number, high: number) => ({ low, high });

export const estimate: AnalysisEstimate = {
  pattern: 'confidence',
  params: {},
  calls: 3,
  stages: [],
  models: [
    {
      model: 'mock:alpha',
      calls: 2,
      inputTokens: range(100, 900),
      outputTokens: range(100, 3000),
      costUsd: range(0.0002, 0.005),
    },
  ],
  total: {
    inputTokens: range(1200, 4800),
    outputTokens: range(150, 4500),
    costUsd: range(0.0003, 0.0125),
  },
  expectedDurationS: range(4, 45),
  assumptions: ['Four characters per token.'],
};

type Handler = (init: RequestInit) => Response | Promise<Response>;

const keyOf = (input: RequestInfo | URL, init: RequestInit = {}) =>
  `${init.method ?? 'GET'} ${typeof input === 'string' ? input : input instanceof URL ? input.href : input.url}`;

/** Stubs fetch with answers by `METHOD /path`; anything else is a 404 naming the request. */
export function stubApi(routes: Record<string, Handler>) {
  const fetchMock = vi.fn((input: RequestInfo | URL, init: RequestInit = {}) => {
    const key = keyOf(input, init);
    const handler = routes[key];
    return Promise.resolve(handler ? handler(init) : json(404, { error: { code: 'not_found', message: key } }));
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The JSON bodies sent to one route, in order. */
export function bodiesSentTo(fetchMock: ReturnType<typeof stubApi>, key: string): unknown[] {
  return fetchMock.mock.calls
    .filter(([input, init]) => keyOf(input, init) === key)
    .map(([, init]) => JSON.parse(typeof init?.body === 'string' ? init.body : 'null') as unknown);
}
