import { PatternId } from '@ultra/contracts';
import { fourStagePattern } from './four-stage.pattern';
import type { PatternDefinition } from './pattern';

const ANSWER =
  'You are one of several expert models answering the same question independently. Answer accurately and ' +
  'completely; say where you are unsure.';

export const patternDefinitions: Record<PatternId, PatternDefinition> = {
  [PatternId.Confidence]: fourStagePattern(PatternId.Confidence, {
    answer: ANSWER,
    review:
      'Review every answer above, yours included. For each important claim say whether you agree and how ' +
      'confident you are (high, medium, low) and why. Then write an improved answer that keeps the claims you ' +
      'are most confident in.',
    revise:
      'Other models reviewed the answers too. Weigh their confidence against yours, resolve disagreements, and ' +
      'write your final revised answer. Mark any claim that stays uncertain.',
    synthesize:
      'Synthesize one final answer from the revised answers above. Prefer claims that several answers make ' +
      'with high confidence, state remaining disagreements plainly, and do not mention the responses themselves.',
  }),
  [PatternId.Critique]: fourStagePattern(PatternId.Critique, {
    answer: ANSWER,
    review:
      'Critique every answer above, yours included: factual errors, gaps, weak reasoning, unclear parts. Be ' +
      'specific. Then write an improved answer that fixes what you found.',
    revise:
      'Here are the other models’ critiques. Address every valid point they raise and write your final revised ' +
      'answer; say briefly which critiques you rejected and why.',
    synthesize:
      'Synthesize the strongest final answer from the revised answers above: keep what survived critique, drop ' +
      'what did not, and do not mention the responses themselves.',
  }),
};

export function patternDefinition(id: PatternId): PatternDefinition {
  return patternDefinitions[id];
}
