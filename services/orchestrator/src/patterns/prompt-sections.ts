import type { StageText } from './pattern';

/*
 * Prompts are built from Markdown sections with fixed headings. Peers' answers are anonymised as
 * "Response A, B, ..." so that models judge content, not brand. The mock provider reads the headings to
 * shape its output, so keep them stable.
 */
export const Heading = {
  Question: '## Question',
  OwnAnswer: '## Your earlier answer',
  AnswersToReview: '## Answers to review',
  OwnReview: '## Your review',
  Reviews: '## Reviews',
  Synthesis: '## Revised answers to synthesize',
  Task: '## Task',
} as const;

export function section(heading: string, body: string): string {
  return `${heading}\n${body.trim()}`;
}

export function responses(texts: StageText[]): string {
  if (texts.length === 0) return '(No other model answered.)';
  return texts.map((t, i) => `### Response ${String.fromCharCode(65 + i)}\n${t.text.trim()}`).join('\n\n');
}

export function own(texts: StageText[] | undefined, model: string): string {
  return texts?.find((t) => t.model === model)?.text ?? '(You did not answer in the earlier stage.)';
}

export function others(texts: StageText[] | undefined, model: string): StageText[] {
  return (texts ?? []).filter((t) => t.model !== model);
}

export function prompt(...sections: string[]): string {
  return sections.join('\n\n');
}
