import { judgePrompt, openItemScore, parseVerdict, verdictFor } from './judge-prompts.js';

describe('judgePrompt', () => {
  const input = { question: 'Why is the sky blue?', first: 'FIRST: Rayleigh scattering.', second: 'SECOND: Oceans.' };

  it('shows the first answer as A and the second as B, after the question', () => {
    const prompt = judgePrompt(input);
    const question = prompt.indexOf('Why is the sky blue?');
    const a = prompt.indexOf('<answer_a>\nFIRST: Rayleigh scattering.\n</answer_a>');
    const b = prompt.indexOf('<answer_b>\nSECOND: Oceans.\n</answer_b>');
    expect(question).toBeGreaterThan(0);
    expect(a).toBeGreaterThan(question);
    expect(b).toBeGreaterThan(a);
  });

  it('names the criteria, sets length and order aside, and asks for one verdict token on the last line', () => {
    const prompt = judgePrompt(input);
    for (const word of ['impartial', 'helpfulness', 'correctness', 'depth', 'clarity', 'Length', 'Order']) {
      expect(prompt).toContain(word);
    }
    expect(prompt).toContain('[[A]] if Answer A is better');
    expect(prompt).toContain('[[B]] if Answer B is better');
    expect(prompt).toContain('[[tie]]');
    expect(prompt.trim().split('\n').at(-1)).toMatch(/only \[\[A\]\], \[\[B\]\] or \[\[tie\]\]/);
  });

  it('adds the reference and asks to check correctness against it only when there is one', () => {
    const without = judgePrompt(input);
    expect(without).not.toContain('<reference>');
    expect(without).toContain('No reference answer is given');
    expect(judgePrompt({ ...input, reference: '  ' })).not.toContain('<reference>');

    const withReference = judgePrompt({ ...input, reference: 'Rayleigh scattering of sunlight.' });
    expect(withReference).toContain('<reference>\nRayleigh scattering of sunlight.\n</reference>');
    expect(withReference).toMatch(/Use it to check the correctness of both answers/);
    expect(withReference).not.toContain('No reference answer is given');
    expect(withReference.indexOf('<reference>')).toBeLessThan(withReference.indexOf('<answer_a>'));
  });
});

describe('parseVerdict', () => {
  it.each([
    ['[[A]]', 'A'],
    ['Answer B cites the right mechanism; A is vague.\n\n[[B]]', 'B'],
    ['Both are equally correct and clear.\n[[tie]]', 'tie'],
    ['Both are fine.\n[[TIE]]', 'tie'],
    ['Reason: B is wrong about the date.\n**[[A]]**', 'A'],
    ['Reason: A omits the proof.\n[[**B**]]', 'B'],
    ['Verdict: [[ a ]]', 'A'],
    ['Verdict: [[ Tie ]]\n', 'tie'],
    ['Final verdict: [[Answer B]]', 'B'],
    ['I first leaned to [[B]], but A handles the edge case.\n\n[[A]]', 'A'],
    ['A is better.\nVerdict: [[A]]\n\nThanks for the interesting comparison!', 'A'],
    ['[[A]] — and to repeat, [[A]]', 'A'],
  ])('reads %j as %s', (text, verdict) => {
    expect(parseVerdict(text)).toBe(verdict);
  });

  it.each([
    ['no token at all', 'Answer A is better overall.'],
    ['single brackets', 'Verdict: [A]'],
    ['a token that is not a verdict', 'Verdict: [[C]]'],
    ['contradictory tokens on the last token line', 'Hard to say.\n[[A]] or [[B]]'],
    ['contradictory tokens after a clear earlier one', '[[A]]\nOn second thought: [[B]] / [[tie]]'],
    ['an empty reply', ''],
  ])('gives null for %s', (_case, text) => {
    expect(parseVerdict(text)).toBeNull();
  });
});

describe('verdictFor', () => {
  it.each([
    ['armFirst', 'A', 'arm'],
    ['armFirst', 'B', 'baseline'],
    ['baselineFirst', 'A', 'baseline'],
    ['baselineFirst', 'B', 'arm'],
    ['armFirst', 'tie', 'tie'],
    ['baselineFirst', 'tie', 'tie'],
    ['armFirst', null, null],
    ['baselineFirst', null, null],
  ] as const)('%s, %s → %s', (order, verdict, winner) => {
    expect(verdictFor(order, verdict)).toBe(winner);
  });
});

describe('openItemScore', () => {
  it.each([
    [['arm', 'arm'], 1],
    [['baseline', 'baseline'], 0],
    [['arm', 'baseline'], 0.5],
    [['tie', 'tie'], 0.5],
    [['arm', 'tie'], 0.75],
    [['baseline', 'tie'], 0.25],
    [['arm', null], 1],
    [[null, 'tie'], 0.5],
  ] as const)('%j → %d', (winners, score) => {
    expect(openItemScore([...winners])).toBe(score);
  });

  it('is null when no verdict is readable', () => {
    expect(openItemScore([null, null])).toBeNull();
    expect(openItemScore([])).toBeNull();
  });

  it('cancels a judge that always prefers the first position', () => {
    const winners = (['armFirst', 'baselineFirst'] as const).map((order) => verdictFor(order, parseVerdict('[[A]]')));
    expect(winners).toEqual(['arm', 'baseline']);
    expect(openItemScore(winners)).toBe(0.5);
  });
});
