import { type AnalysisSpec, type PatternSpecInput, patternSpecSchema } from '@ultra/contracts';

/**
 * A small valid pattern document for tests of user patterns: every model answers `rounds` times, then the ultra
 * model synthesizes. Fields can be replaced with `overrides`.
 */
export function patternDocument(overrides: Partial<PatternSpecInput> = {}): PatternSpecInput {
  return {
    id: 'brainstorm',
    name: 'Brainstorm',
    description: 'Every model answers and refines its answer; the ultra model picks the best ideas.',
    params: { rounds: { type: 'integer', default: 1, min: 1, max: 3, description: 'refinement rounds' } },
    stages: [
      {
        id: 'ideas',
        label: 'Ideas',
        kind: 'generate',
        participants: 'all',
        repeat: { times: '$rounds' },
        prompt: { user: 'Round {{round}} of {{rounds}}: {{question}}' },
      },
      {
        id: 'pick',
        label: 'Pick',
        kind: 'generate',
        participants: 'ultra',
        prompt: { system: 'Be brief.', user: '{{question}}\n\n{{all.ideas}}' },
      },
    ],
    ...overrides,
  };
}

/** The same document as YAML, as a user would write it. */
export const PATTERN_YAML = `# a user's pattern
id: brainstorm
name: Brainstorm
description: Every model answers and refines its answer; the ultra model picks the best ideas.
params:
  rounds: { type: integer, default: 1, min: 1, max: 3, description: refinement rounds }
stages:
  - id: ideas
    label: Ideas
    kind: generate
    participants: all
    repeat: { times: $rounds }
    prompt:
      user: "Round {{round}} of {{rounds}}: {{question}}"
  - id: pick
    label: Pick
    kind: generate
    participants: ultra
    prompt:
      system: Be brief.
      user: |-
        {{question}}

        {{all.ideas}}
`;

/** A valid analysis of the brainstorm pattern, for tests that need one. */
export function analysisSpec(overrides: Partial<AnalysisSpec> = {}): AnalysisSpec {
  return {
    prompt: 'q',
    models: ['mock:alpha'],
    ultraModel: 'mock:alpha',
    pattern: 'brainstorm',
    patternSpec: patternSpecSchema.parse(patternDocument()),
    params: { rounds: 1 },
    options: {},
    ...overrides,
  };
}
