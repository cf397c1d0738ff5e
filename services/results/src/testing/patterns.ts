import type { PatternSpec } from '@ultra/contracts';

/** A four-stage pattern document as the gateway resolves it (shape only: results never reads the prompts). */
export function fourStagePattern(id = 'critique'): PatternSpec {
  const generate = (stageId: string, participants: 'all' | 'ultra') => ({
    id: stageId,
    label: stageId.charAt(0).toUpperCase() + stageId.slice(1),
    kind: 'generate' as const,
    participants,
    prompt: { user: '{{question}}' },
  });
  return {
    id,
    name: 'Critique',
    description: 'Answer, critique, revise, synthesize.',
    params: {},
    stages: [generate('initial', 'all'), generate('meta', 'all'), generate('hyper', 'all'), generate('ultra', 'ultra')],
  };
}

/**
 * A pattern with every kind of run: `answer` repeats (two rounds), `tally` aggregates it, `check` runs only on a
 * condition, and `chair` asks the ultra model several samples.
 */
export function mixedPattern(): PatternSpec {
  return {
    id: 'mixed',
    name: 'Mixed',
    description: 'Every kind of stage run.',
    params: { rounds: { type: 'integer', default: 2, min: 1, max: 4, description: '' } },
    stages: [
      {
        id: 'answer',
        label: 'Answer',
        kind: 'generate',
        participants: 'all',
        prompt: { user: '{{question}}' },
        options: { output: { format: 'json', schema: 'ranking' } },
        repeat: { times: '$rounds' },
      },
      { id: 'tally', label: 'Tally', kind: 'aggregate', use: 'borda', from: 'answer' },
      {
        id: 'check',
        label: 'Check',
        kind: 'generate',
        participants: 'ultra',
        prompt: { user: '{{question}}' },
        when: { stage: 'answer', field: 'confidence', op: 'lt', value: 0.5 },
      },
      {
        id: 'chair',
        label: 'Chair',
        kind: 'generate',
        participants: { sample: { model: 'ultra', n: 2 } },
        prompt: { user: '{{question}}\n\n{{all.answer}}' },
      },
    ],
  };
}
