import {
  type AnalysisSpec,
  type ChatMessage,
  type GenerateStageSpec,
  paramValues,
  patternSpecSchema,
  participantCount,
  roundsOf,
} from '@ultra/contracts';
import { MockProvider } from '../../../provider-worker/src/providers/mock/mock.provider';
import { estimateAnalysis } from './analysis-estimator';

/**
 * The estimate against the mock provider's real counts: a pattern with text and json stages, a repeated stage and
 * samples is played through the mock, each prompt rendered as the orchestrator renders it (anonymised
 * "### Response X" sections joined by blank lines), and every stage's real input and output tokens must fall
 * within the estimate. The lead's end-to-end test checks the same through all the services.
 */

const pattern = patternSpecSchema.parse({
  id: 'bracket',
  name: 'Bracket',
  description: 'Text and every json shape, a repeat and samples, to compare the estimate with real counts.',
  stages: [
    {
      id: 'initial',
      label: 'Initial answers',
      kind: 'generate',
      participants: 'all',
      prompt: { system: 'You are one of several models answering the same question.', user: '{{question}}' },
    },
    {
      id: 'meta',
      label: 'Claim review',
      kind: 'generate',
      participants: 'all',
      options: { output: { format: 'json', schema: 'review' } },
      prompt: {
        user: '## Question\n{{question}}\n\n## Your answer\n{{own.initial}}\n\n## The others\n{{others.initial}}\n\nList the claims you stand behind as JSON: {"claims": [{"claim": "…", "confidence": "high"}]}',
      },
    },
    {
      id: 'rank',
      label: 'Ranking',
      kind: 'generate',
      participants: 'all',
      options: { output: { format: 'json', schema: 'ranking' } },
      prompt: {
        user: '{{question}}\n\n{{others.initial}}\n\nRank the responses, best first: {"ranking": ["Response B"]}',
      },
    },
    {
      id: 'vote',
      label: 'Vote',
      kind: 'generate',
      participants: 'all',
      options: { output: { format: 'json', schema: 'vote' } },
      prompt: { user: '{{question}}\n\n{{others.initial}}\n\nVote for the best response: {"vote": "Response A"}' },
    },
    {
      id: 'sure',
      label: 'Confidence',
      kind: 'generate',
      participants: 'ultra',
      options: { output: { format: 'json', schema: 'confidence' } },
      prompt: { user: '{{question}}\n\nAnswer, and say how sure you are: {"answer": "…", "confidence": 0.8}' },
    },
    {
      id: 'debate',
      label: 'Debate',
      kind: 'generate',
      participants: 'all',
      repeat: { times: 2, untilConverged: { similarity: 0.9 } },
      prompt: {
        user: 'Round {{round}} of {{rounds}}.\n{{question}}\n\nYour last word:\n{{own.prev}}\n\nThe others:\n{{others.prev}}',
      },
    },
    {
      id: 'samples',
      label: 'Samples',
      kind: 'generate',
      participants: { sample: { n: 2 } },
      prompt: { user: '{{question}}\n\n{{all.debate}}\n\nWrite the best answer you can.' },
    },
    {
      id: 'final',
      label: 'Verdicts',
      kind: 'generate',
      participants: 'ultra',
      options: { output: { format: 'json', schema: 'verdicts' } },
      prompt: {
        user: '{{question}}\n\n## Drafts\n{{all.samples}}\n\n## Reviews\n{{others.meta}}\n\nAnswer with {"answer": "…", "claims": []}',
      },
    },
  ],
});

const spec: AnalysisSpec = {
  prompt: 'Should a five-person team move its monolith to microservices this year? Give the main trade-offs.',
  models: ['mock:alpha', 'mock:beta', 'mock:gamma'],
  ultraModel: 'mock:beta',
  pattern: pattern.id,
  patternSpec: pattern,
  params: paramValues(pattern),
  options: {},
};

interface Output {
  key: string;
  text: string;
}
interface Run {
  stage: string;
  outputs: Output[];
}
interface Counted {
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

const responses = (outputs: Output[]) =>
  outputs.length === 0
    ? '(No other model answered.)'
    : outputs.map((o, i) => `### Response ${String.fromCharCode(65 + i)}\n${o.text.trim()}`).join('\n\n');

/** Plays the pattern through the mock, every round of every stage, and counts each stage's real tokens. */
async function playThroughMock(): Promise<Map<string, Counted>> {
  const mock = new MockProvider({ latencyMs: 0, failureRate: 0, failModels: [] });
  const runs: Run[] = [];
  const counted = new Map<string, Counted>();
  for (const stage of pattern.stages) {
    if (stage.kind !== 'generate') continue;
    const rounds = roundsOf(stage, spec.params);
    const total = { calls: 0, inputTokens: 0, outputTokens: 0 };
    for (let round = 1; round <= rounds; round++) {
      const outputs: Output[] = [];
      for (const [key, model] of participants(stage)) {
        const messages = render(stage, runs, key, round, rounds);
        const response = await mock.complete(
          { model: model.replace(/^mock:/, ''), messages, stream: false, output: stage.options?.output },
          new AbortController().signal,
        );
        outputs.push({ key, text: response.text });
        total.calls += 1;
        total.inputTokens += response.usage.inputTokens;
        total.outputTokens += response.usage.outputTokens;
      }
      runs.push({ stage: stage.id, outputs });
    }
    counted.set(stage.id, total);
  }
  return counted;
}

/** Each call of a round as [viewer key, model]: `model#n` for samples, as the orchestrator keys them. */
function participants(stage: GenerateStageSpec): [string, string][] {
  const p = stage.participants;
  if (p === 'all') return spec.models.map((m) => [m, m]);
  if (p === 'ultra') return [[spec.ultraModel, spec.ultraModel]];
  if (typeof p === 'object' && 'sample' in p) {
    const n = participantCount(stage, spec.params, spec.models.length);
    return Array.from({ length: n }, (_, i) => [`${spec.ultraModel}#${i}`, spec.ultraModel]);
  }
  throw new Error('participants not used in this test');
}

function render(stage: GenerateStageSpec, runs: Run[], viewer: string, round: number, rounds: number): ChatMessage[] {
  const outputsOf = (ref: string) =>
    (ref === 'prev' ? runs.at(-1) : runs.findLast((r) => r.stage === ref))?.outputs ?? [];
  const value = (variable: string): string => {
    const [kind, ref] = variable.split('.');
    if (kind === 'question') return spec.prompt;
    if (kind === 'round') return String(round);
    if (kind === 'rounds') return String(rounds);
    if (kind === 'own')
      return (
        outputsOf(ref)
          .find((o) => o.key === viewer)
          ?.text.trim() ?? '(You gave no answer.)'
      );
    if (kind === 'others') return responses(outputsOf(ref).filter((o) => o.key !== viewer));
    if (kind === 'all') return responses(outputsOf(ref));
    throw new Error(`variable {{${variable}}} not used in this test`);
  };
  const fill = (template: string) => template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, name: string) => value(name));
  return [
    ...(stage.prompt.system ? [{ role: 'system' as const, content: fill(stage.prompt.system) }] : []),
    { role: 'user', content: fill(stage.prompt.user) },
  ];
}

describe("the estimate brackets the mock provider's real counts", () => {
  const estimate = estimateAnalysis(spec, () => ({ inputPerMTok: 0, outputPerMTok: 0 }));
  let real: Map<string, Counted>;

  beforeAll(async () => {
    real = await playThroughMock();
  });

  it.each(pattern.stages.map((s) => [s.id]))('stage %s: calls, input and output tokens', (id) => {
    const estimated = estimate.stages.find((s) => s.id === id)!;
    const counted = real.get(id)!;
    expect(counted.calls).toBe(estimated.calls);
    expect(counted.inputTokens).toBeGreaterThanOrEqual(estimated.inputTokens.low);
    expect(counted.inputTokens).toBeLessThanOrEqual(estimated.inputTokens.high);
    expect(counted.outputTokens).toBeGreaterThanOrEqual(estimated.outputTokens.low);
    expect(counted.outputTokens).toBeLessThanOrEqual(estimated.outputTokens.high);
  });

  it('in total', () => {
    const sum = (key: keyof Counted) => [...real.values()].reduce((n, c) => n + c[key], 0);
    expect(sum('calls')).toBe(estimate.calls);
    expect(sum('inputTokens')).toBeGreaterThanOrEqual(estimate.total.inputTokens.low);
    expect(sum('inputTokens')).toBeLessThanOrEqual(estimate.total.inputTokens.high);
    expect(sum('outputTokens')).toBeGreaterThanOrEqual(estimate.total.outputTokens.low);
    expect(sum('outputTokens')).toBeLessThanOrEqual(estimate.total.outputTokens.high);
  });
});
