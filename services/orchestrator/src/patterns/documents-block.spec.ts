import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AnalysisDocument,
  type GenerateStageSpec,
  type PatternSpecInput,
  patternSpecSchema,
} from '@ultra/contracts';
import { parse } from 'yaml';
import { stateOf } from '../testing/pattern-state';
import { getsDocumentsBlock } from './documents-block';
import { renderMessages } from './prompt-renderer';

const documents: AnalysisDocument[] = [
  {
    id: '00000000-0000-4000-8000-0000000000d1',
    name: 'tides.md',
    type: 'markdown',
    text: 'The moon pulls the sea.',
    truncated: false,
    chunks: [{ index: 0, tokens: 6 }],
  },
  {
    id: '00000000-0000-4000-8000-0000000000d2',
    name: 'almanac.pdf',
    type: 'pdf',
    text: 'Spring tides.\n\n[…]\n\nNeap tides.',
    truncated: true,
    chunks: [
      { index: 2, tokens: 4, score: 1.5 },
      { index: 7, tokens: 3, score: 0.5 },
    ],
  },
];

const shown =
  '### tides.md\n\nThe moon pulls the sea.\n\n' +
  '### almanac.pdf (excerpts: the passages most relevant to the question)\n\nSpring tides.\n\n[…]\n\nNeap tides.';
const block = `## Documents\n\nUse these documents where they bear on the question.\n\n${shown}\n\n`;

function twoStages(answer: string, review = '{{question}}\n{{others.answer}}'): PatternSpecInput {
  const stage = (id: string, user: string) => ({
    id,
    label: id,
    kind: 'generate' as const,
    participants: 'all' as const,
    prompt: { system: 'Be exact.', user },
  });
  return { id: 'p', name: 'P', description: 'Two stages.', stages: [stage('answer', answer), stage('review', review)] };
}

function render(pattern: PatternSpecInput, stageIndex: number, withDocuments = true) {
  const state = stateOf(pattern, [], withDocuments ? { documents } : {});
  const stage = state.spec.patternSpec.stages[stageIndex] as GenerateStageSpec;
  return renderMessages(state, { stage, index: stageIndex, round: 1, rounds: 1, viewer: 'mock:alpha' });
}

describe('documents in prompts', () => {
  it('puts a Documents block before the question in the user message of a stage that answers from scratch', () => {
    const [system, user] = render(twoStages('Q: {{question}}'), 0);
    expect(system?.content).toBe('Be exact.');
    expect(user?.content).toBe(`${block}Q: How do tides work?`);
  });

  it('leaves stages that build on earlier outputs, and analyses without documents, as they are', () => {
    expect(render(twoStages('{{question}}'), 1)[1]?.content).not.toContain('## Documents');
    expect(render(twoStages('Q: {{question}}'), 0, false)[1]?.content).toBe('Q: How do tides work?');
  });

  it('renders {{documents}} where a template places it, and then adds no block anywhere', () => {
    const pattern = twoStages('{{question}}', 'Sources:\n{{documents}}\n\n{{question}}\n{{others.answer}}');
    expect(render(pattern, 0)[1]?.content).toBe('How do tides work?');
    expect(render(pattern, 1)[1]?.content).toMatch(
      /^Sources:\n### tides\.md\n\nThe moon pulls the sea\.\n\n### almanac/,
    );
    expect(render(pattern, 1, false)[1]?.content).toMatch(/^Sources:\n\n\nHow do tides work\?/);
  });

  it('gives the block to the stages of the built-ins that answer the question first', () => {
    const dir = join(__dirname, '../../../../config/patterns');
    const getting: Record<string, string[]> = {};
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const pattern = patternSpecSchema.parse(parse(readFileSync(join(dir, file), 'utf8')));
      getting[pattern.id] = pattern.stages
        .filter((s): s is GenerateStageSpec => s.kind === 'generate' && getsDocumentsBlock(pattern, s))
        .map((s) => s.id);
    }
    const initial = ['confidence', 'critique', 'fact_check', 'gut', 'innovation', 'perspective', 'scenario'];
    expect(getting).toEqual({
      ...Object.fromEntries([...initial, 'stakeholder', 'systems', 'time'].map((id) => [id, ['initial']])),
      // The quick answer, and the panel's answers when it runs.
      cascade: ['first', 'initial'],
      council: ['answer'],
      debate: ['opening'],
      direct: ['answer'],
      moa: ['propose'],
      self_moa: ['samples'],
      vote: ['answer'],
    });
  });
});
