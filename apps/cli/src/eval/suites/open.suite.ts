import type { EvalItem, EvalSuite } from '../eval-types.js';

/**
 * Our own open questions (explanations, advice, short writing, comparisons): no single right answer, so a judge
 * compares the arms' answers pairwise instead of scoring them.
 */
const questions: string[] = [
  'Explain to a curious 12-year-old why the sky is blue during the day and red or orange at sunset.',
  'What are the main trade-offs between renting and buying a home? Keep it practical.',
  'Write a short, polite message to a neighbour asking them to keep their dog quieter early in the morning.',
  'Compare an electric car and a petrol car for someone who drives about 15 km a day in a city.',
  'Explain in one paragraph how vaccines train the immune system.',
  'I have two weeks to prepare for a job interview as a junior data analyst. Give me a realistic day-by-day plan.',
  'Write a four-line poem about a lighthouse in winter.',
  'Explain the difference between weather and climate, with one example of each.',
  'What should a small bakery think about before it starts delivering orders to customers?',
  'Compare learning a new language with a phone app and learning it with a private tutor.',
  'Explain what compound interest is and why starting to save early makes such a difference.',
  'Write a product description of about 80 words for a reusable bottle that keeps drinks cold for 24 hours.',
  'My team keeps missing its deadlines. What questions should I ask to find out why?',
  'Explain why the Earth has seasons, and correct the common belief that they come from its distance to the Sun.',
  'Compare paper books and e-readers for a university student who reads a lot.',
  'Summarise the main causes of the First World War in a few sentences.',
  "Write a short toast for a friend's 40th birthday: warm, and a little funny.",
  'My laptop has become slow. What can I try to speed it up before buying a new one?',
  'Explain what a database index is to someone who knows spreadsheets but not databases.',
  'What are effective ways for a family to reduce food waste at home?',
  'Compare working from home and working in an office, for the employee and for the employer.',
  'Explain, in general terms, how a proposed law becomes law in a parliamentary democracy.',
  "Write a brief, friendly message declining an invitation to a colleague's wedding.",
  'Explain the Monty Hall problem and why switching doors is the better choice.',
];

const items: EvalItem[] = questions.map((question, i) => ({
  id: `open-${String(i + 1).padStart(2, '0')}`,
  kind: 'open',
  question,
}));

export const openSuite: EvalSuite = { name: 'open', items };
