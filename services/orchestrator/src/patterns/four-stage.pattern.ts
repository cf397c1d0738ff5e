import { type PatternId, StageName } from '@ultra/contracts';
import type { PatternDefinition } from './pattern';
import { Heading, others, own, prompt, responses, section } from './prompt-sections';

/** What distinguishes one four-stage pattern from another: the instructions of each stage. */
export interface FourStageInstructions {
  answer: string;
  review: string;
  revise: string;
  synthesize: string;
}

/**
 * initial → meta → hyper → ultra: every model answers; each reviews the others' answers; each revises under
 * the reviews; the ultra model synthesizes the revisions into the final answer.
 */
export function fourStagePattern(id: PatternId, instructions: FourStageInstructions): PatternDefinition {
  return {
    id,
    stages: [
      {
        name: StageName.Initial,
        participants: 'all',
        buildMessages: (_model, ctx) => [
          { role: 'system', content: instructions.answer },
          { role: 'user', content: section(Heading.Question, ctx.prompt) },
        ],
      },
      {
        name: StageName.Meta,
        participants: 'all',
        buildMessages: (model, ctx) => [
          {
            role: 'user',
            content: prompt(
              section(Heading.Question, ctx.prompt),
              section(Heading.OwnAnswer, own(ctx.outputs.initial, model)),
              section(Heading.AnswersToReview, responses(others(ctx.outputs.initial, model))),
              section(Heading.Task, instructions.review),
            ),
          },
        ],
      },
      {
        name: StageName.Hyper,
        participants: 'all',
        buildMessages: (model, ctx) => [
          {
            role: 'user',
            content: prompt(
              section(Heading.Question, ctx.prompt),
              section(Heading.OwnReview, own(ctx.outputs.meta, model)),
              section(Heading.Reviews, responses(others(ctx.outputs.meta, model))),
              section(Heading.Task, instructions.revise),
            ),
          },
        ],
      },
      {
        name: StageName.Ultra,
        participants: 'ultra',
        buildMessages: (_model, ctx) => [
          {
            role: 'user',
            content: prompt(
              section(Heading.Question, ctx.prompt),
              section(Heading.Synthesis, responses(ctx.outputs.hyper ?? [])),
              section(Heading.Task, instructions.synthesize),
            ),
          },
        ],
      },
    ],
  };
}
