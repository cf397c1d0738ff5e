import type { GenerateStageSpec, PatternSpecInput } from '@ultra/contracts';
import { stateOf } from '../testing/pattern-state';
import { renderMessages } from './prompt-renderer';

const history = [
  { analysisId: '00000000-0000-4000-8000-000000000010', prompt: 'What is a tide?', answer: 'The sea rising.' },
  { analysisId: '00000000-0000-4000-8000-000000000011', prompt: 'Why twice a day?', answer: null },
];

function pattern(user: string, system?: string): PatternSpecInput {
  return {
    id: 'p',
    name: 'P',
    description: 'One stage.',
    stages: [
      {
        id: 'answer',
        label: 'Answer',
        kind: 'generate',
        participants: 'all',
        prompt: { user, ...(system && { system }) },
      },
    ],
  };
}

function render(user: string, overrides: Parameters<typeof stateOf>[2] = { history }, system?: string) {
  const state = stateOf(pattern(user, system), [], overrides);
  const stage = state.spec.patternSpec.stages[0] as GenerateStageSpec;
  return renderMessages(state, { stage, index: 0, round: 1, rounds: 1, viewer: 'mock:alpha' });
}

const exchanges =
  '### Question 1\nWhat is a tide?\n\n### Answer 1\nThe sea rising.\n\n' +
  '### Question 2\nWhy twice a day?\n\n### Answer 2\n(No final answer: that analysis failed.)';

describe('history in prompts', () => {
  it('adds a "Conversation so far" block before a template that asks the question without placing the history', () => {
    const [user] = render('Q: {{question}}');
    expect(user?.content).toBe(
      `## Conversation so far\n\n${exchanges}\n\n## The question below follows up this conversation\n\nQ: How do tides work?`,
    );
  });

  it('puts the history only where a template places {{history}}', () => {
    const [system, user] = render('{{question}}', { history }, 'Earlier:\n{{ history }}');
    expect(system?.content).toBe(`Earlier:\n${exchanges}`);
    expect(user?.content).toBe('How do tides work?');
  });

  it('says how many older exchanges were left out', () => {
    const [user] = render('{{history}}', { history, historyOmitted: 3 });
    expect(user?.content).toBe(`(3 earlier exchanges were left out to fit the history budget.)\n\n${exchanges}`);
  });

  it('changes nothing without history, and renders {{history}} empty', () => {
    expect(render('{{question}}', {})[0]?.content).toBe('How do tides work?');
    expect(render('[{{history}}] {{question}}', { history: [] })[0]?.content).toBe('[] How do tides work?');
  });
});
