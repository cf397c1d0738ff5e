/**
 * The pairwise judge of open items: a prompt showing two answers as A and B, the reading of its verdict, and the
 * mapping back to arms. Each pair is judged twice with the order swapped, so a judge that favours the first (or the
 * second) position cancels out in the item's score.
 */

export type Verdict = 'A' | 'B' | 'tie';
export type Winner = 'arm' | 'baseline' | 'tie';

export function judgePrompt(input: { question: string; first: string; second: string; reference?: string }): string {
  const reference = input.reference?.trim() ? input.reference : undefined;
  const lines = [
    'You are an impartial judge. Two assistants answered the same question. Decide which answer serves the person',
    'who asked better.',
    '',
    'Weigh helpfulness, correctness, depth and clarity. Length is not a merit: do not prefer an answer for being',
    'longer or more detailed unless the extra content is right and useful. Order is not a merit either: which answer',
    'is shown first was decided at random. Do not favour a style, a tone or a claimed source.',
    ...(reference
      ? [
          'A reference answer is given. Use it to check the correctness of both answers: an answer that contradicts it',
          'on a point that matters is wrong on that point, however well it is written. An answer need not follow the',
          "reference's wording or structure.",
        ]
      : ['No reference answer is given: check the correctness of both answers yourself.']),
    '',
    'First explain your decision in a few sentences. Then write your verdict alone on the last line, as exactly one',
    'of these tokens:',
    '[[A]] if Answer A is better',
    '[[B]] if Answer B is better',
    '[[tie]] if neither is better',
    '',
    '<question>',
    input.question,
    '</question>',
    ...(reference ? ['', '<reference>', reference, '</reference>'] : []),
    '',
    '<answer_a>',
    input.first,
    '</answer_a>',
    '',
    '<answer_b>',
    input.second,
    '</answer_b>',
    '',
    // Repeated after long answers, where the format given at the top is easily lost.
    'Give your short reason, then end with one line holding only [[A]], [[B]] or [[tie]].',
  ];
  return lines.join('\n');
}

/** `[[A]]`, `[[ b ]]`, `[[**Tie**]]`, `**[[A]]**`, `[[Answer A]]`. */
const VERDICT_TOKEN = /\[\[\s*[*_]*\s*(?:answer\s+)?(a|b|tie)\s*[*_]*\s*\]\]/gi;

/**
 * The verdict on the last line holding a token; null when no line does, or when that line holds different ones
 * ("[[A]] or [[B]]"): a judge that hedges is not read as deciding.
 */
export function parseVerdict(text: string): Verdict | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const tokens = new Set([...lines[i].matchAll(VERDICT_TOKEN)].map((m) => m[1].toLowerCase()));
    if (tokens.size === 0) continue;
    if (tokens.size > 1) return null;
    const [token] = tokens;
    return token === 'a' ? 'A' : token === 'b' ? 'B' : 'tie';
  }
  return null;
}

/** A verdict about positions, in terms of arms: `armFirst` showed the arm's answer as A. */
export function verdictFor(order: 'armFirst' | 'baselineFirst', verdict: Verdict | null): Winner | null {
  if (verdict === null || verdict === 'tie') return verdict;
  const armIsA = order === 'armFirst';
  return (verdict === 'A') === armIsA ? 'arm' : 'baseline';
}

/** The arm's win score on one item over both orders: win 1, tie ½, loss 0, averaged over the readable verdicts. */
export function openItemScore(winners: (Winner | null)[]): number | null {
  const points = winners.filter((w) => w !== null).map((w): number => (w === 'arm' ? 1 : w === 'tie' ? 0.5 : 0));
  return points.length === 0 ? null : points.reduce((a, b) => a + b, 0) / points.length;
}
