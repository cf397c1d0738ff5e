import type { EvalItem } from './eval-types.js';
import { extractChoice, extractNumber, questionPrompt, scoreChoice, scoreNumeric } from './scoring.js';

const numeric = (answer: string, tolerance?: number): EvalItem => ({
  id: 'n1',
  kind: 'numeric',
  question: 'How many?',
  answer,
  ...(tolerance !== undefined && { tolerance }),
});
const CAPITALS = ['Paris', 'London', 'Berlin', 'Madrid'];
const choice: EvalItem = {
  id: 'c1',
  kind: 'choice',
  question: 'Capital of Germany?\nA) Paris\nB) London\nC) Berlin\nD) Madrid',
  answer: 'C',
  choices: CAPITALS,
};

describe('questionPrompt', () => {
  it('asks numeric and choice items for a final Answer line, and sends open items as they are', () => {
    expect(questionPrompt(numeric('3'))).toMatch(
      /^How many\?\n\n.*End with a final line of the form `Answer: <number>`/s,
    );
    expect(questionPrompt(choice)).toMatch(/^Capital of Germany\?\n.*Madrid\n\nEnd with .*`Answer: <letter>`/s);
    expect(questionPrompt({ id: 'o', kind: 'open', question: 'Explain TCP.' })).toBe('Explain TCP.');
  });
});

describe('extractNumber', () => {
  it.each([
    ['Answer: 42', 42],
    ['First, 3 * 4 = 12 apples. Then 12 + 5 = 17.\n\n**Answer:** 17', 17],
    ['**Answer: 1,234**', 1234],
    ['She loses 5 degrees.\nFinal answer: -3', -3],
    ['The temperature ends at −3 degrees.', -3],
    ['answer: $12.50.', 12.5],
    ['The discount works out to 12% off.\nAnswer: 12%', 12],
    ['Answer: 3/4', 0.75],
    ['Answer: 12 apples', 12],
    ['Answer: x = 5', 5],
    ['Answer: 5 + 7 = 12', 12],
    ['Answer: 7 (= 3 + 4)', 7],
    ['Answer: The train travels 120 km.', 120],
    ['Answer: .5', 0.5],
    ['Answer: $-12$', -12],
    ['Answer: 10\n\nWait, I dropped a term: 10 + 2 = 12.\n\nAnswer: 12', 12],
    ['Let me compute 8 × 9 = 72.\n\n**Final Answer:**\n\n72 dollars (that is 8 × 9)', 72],
    ['We get $\\boxed{10}$ at first, but recounting.\n\nAnswer: 12', 12],
  ])('reads the Answer line of %j as %d', (text, value) => {
    expect(extractNumber(text)).toBe(value);
  });

  it.each([
    ['Janet sells 16 - 3 - 4 = 9 eggs.\nShe makes 9 * 2 = $18 every day.\n#### 18', 18],
    ['#### 1,250 dollars\nThat is 250 more than last year.', 1250],
    ['So the value is $\\boxed{42}$. Check: 42 - 40 = 2.', 42],
    ['$$x = \\boxed{\\frac{3}{4}}$$', 0.75],
    ['$$\\boxed{-\\dfrac{1}{2}}$$ since the slope is 2.', -0.5],
    ['Total: $\\boxed{1{,}234}$ units, out of 5000.', 1234],
    ['The price is $\\boxed{\\$12}$, down from $15.', 12],
    ['The answer is 8, since 2 × 4 = 8. (Check: 8 / 2 = 4.)', 8],
    ['So the answer is: **$1,234.56**. That is 3 times what he had.', 1234.56],
  ])('reads the marked answer of %j as %d, not a later number', (text, value) => {
    expect(extractNumber(text)).toBe(value);
  });

  it.each([
    ['She has 3 apples, buys 4 more, so now she has 7 apples.', 7],
    ['The total cost is $1,234.56.', 1234.56],
    ['It is 3.5.', 3.5],
    ['Roughly 1,234,567 people live there', 1234567],
    ['$$\\text{Total} = 12\\,000 \\text{ visitors}$$', 12000],
    ['The final score was 10-3', 3],
    ['Remaining:\n- 3', 3],
    ['The counts were 1,2,3', 3],
    ['#### Step 2: add the pears\nThe total is 11.', 11],
    ['#### 2. Add the pears\nThe total is 11.', 11],
  ])('falls back to the last number of %j: %d', (text, value) => {
    expect(extractNumber(text)).toBe(value);
  });

  it.each([
    ['no number', 'I cannot determine this from the information given.'],
    ['an empty text', ''],
    ['digits inside words only', 'The result of step2 depends on H2O.'],
    ['an echoed instruction', 'Answer: <number>'],
  ])('gives null for %s', (_case, text) => {
    expect(extractNumber(text)).toBeNull();
  });
});

describe('scoreNumeric', () => {
  it('scores the extracted number against the expected one and keeps what it read', () => {
    expect(scoreNumeric(numeric('42'), 'Step: 40 + 2.\nAnswer: 42.0')).toEqual({ score: 1, extracted: '42' });
    expect(scoreNumeric(numeric('42'), 'Answer: 41')).toEqual({ score: 0, extracted: '41' });
    expect(scoreNumeric(numeric('1,234'), 'Answer: $1234')).toEqual({ score: 1, extracted: '1234' });
    expect(scoreNumeric(numeric('0.75'), 'Answer: 3/4')).toEqual({ score: 1, extracted: '0.75' });
    expect(scoreNumeric(numeric('12'), 'The rate is 12%.')).toEqual({ score: 1, extracted: '12' });
  });

  it('scores 0 with nothing extracted for a failed or unreadable answer', () => {
    expect(scoreNumeric(numeric('42'), null)).toEqual({ score: 0, extracted: null });
    expect(scoreNumeric(numeric('42'), 'I am not sure.')).toEqual({ score: 0, extracted: null });
  });

  it('accepts 1e-6 absolute below 1000 and 1e-4 relative from 1000', () => {
    expect(scoreNumeric(numeric('0.1'), 'Answer: 0.1000001').score).toBe(1);
    expect(scoreNumeric(numeric('0.1'), 'Answer: 0.1001').score).toBe(0);
    expect(scoreNumeric(numeric('0.3333333'), 'Answer: 1/3').score).toBe(1);
    expect(scoreNumeric(numeric('1234567'), 'Answer: 1,234,600').score).toBe(1);
    expect(scoreNumeric(numeric('1234567'), 'Answer: 1,235,000').score).toBe(0);
    expect(scoreNumeric(numeric('-5000'), 'Answer: -5000.4').score).toBe(1);
  });

  it("uses the item's tolerance when it has one", () => {
    expect(scoreNumeric(numeric('3.14', 0.01), 'Answer: 3.14159').score).toBe(1);
    expect(scoreNumeric(numeric('3.14', 0.01), 'Answer: 3.16').score).toBe(0);
    expect(scoreNumeric(numeric('5000', 0), 'Answer: 5000.4').score).toBe(0);
  });
});

const ABCD = ['A', 'B', 'C', 'D'];

describe('extractChoice', () => {
  it.each([
    ['Answer: B', 'B'],
    ['Answer: (C)', 'C'],
    ['**Answer:** **D**', 'D'],
    ['Berlin is the capital.\nanswer: c', 'C'],
    ['Answer: B) London', 'B'],
    ['Final Answer: Option D', 'D'],
    ['Answer: A\n\nOn reflection, that is wrong: Berlin is the capital.\n\nAnswer: C', 'C'],
    ['A common mistake is to pick Paris. The correct answer is C.', 'C'],
    ['A quick check shows the answer is A because Paris is in France.', 'A'],
    ['Option A is wrong. Option B is tempting.\n\nThe correct answer is D.', 'D'],
    ['Thus the answer is $\\boxed{C}$.', 'C'],
    ['$$\\boxed{\\text{(B)}}$$', 'B'],
    ['After eliminating the others:\n\nc', 'C'],
    ['A quick check of the options shows that **B** fits best.', 'B'],
    ['Looking at the list, **C) Berlin** is right.', 'C'],
    ['Let me think.\n\n(B) is the only one consistent with the data.', 'B'],
    ['I would go with option C here.', 'C'],
    ['Option D is correct.', 'D'],
    ['The right one is B.', 'B'],
  ])('reads %j as %s', (text, letter) => {
    expect(extractChoice(text, ABCD)).toBe(letter);
  });

  it.each([
    [
      'the article "a" after "the answer is"',
      'Here is a breakdown.\nA careful reading shows the answer is a subtle one.',
    ],
    ['the article "A" opening sentences', 'A capital is a city.\nA country has one.'],
    ['options restated without a pick', 'A) Paris\nB) London\nC) Berlin\nD) Madrid\n\nI am not sure.'],
    ['a letter outside the options', 'Answer: E'],
    ['an echoed instruction', 'End with a final line of the form `Answer: <letter>`.'],
    ['an empty text', ''],
  ])('gives null for %s', (_case, text) => {
    expect(extractChoice(text, ABCD)).toBeNull();
  });

  it("falls back to an option's full text alone in the final line, or after Answer:", () => {
    expect(extractChoice('The capital of Germany is well known.\n\nBerlin', ABCD, CAPITALS)).toBe('C');
    expect(extractChoice('**Madrid.**', ABCD, CAPITALS)).toBe('D');
    expect(extractChoice('Answer: London.', ABCD, CAPITALS)).toBe('B');
    expect(extractChoice('The capital of Germany is Berlin.', ABCD, CAPITALS)).toBeNull();
    expect(extractChoice('\n\nBerlin', ABCD)).toBeNull();
  });

  it('reads "Answer: A triangle" as the option whose text it is, not as the letter A', () => {
    const shapes = ['A square', 'A triangle', 'A circle', 'A line'];
    expect(extractChoice('It has three sides.\nAnswer: A triangle', ABCD, shapes)).toBe('B');
    expect(extractChoice('It has three sides.\nAnswer: A', ABCD, shapes)).toBe('A');
  });
});

describe('scoreChoice', () => {
  it('scores the extracted letter against the expected one', () => {
    expect(scoreChoice(choice, 'Berlin, so:\nAnswer: c')).toEqual({ score: 1, extracted: 'C' });
    expect(scoreChoice(choice, 'Answer: A')).toEqual({ score: 0, extracted: 'A' });
    expect(scoreChoice({ ...choice, answer: ' c ' }, 'Answer: C')).toEqual({ score: 1, extracted: 'C' });
    expect(scoreChoice(choice, 'Berlin')).toEqual({ score: 1, extracted: 'C' });
  });

  it('scores 0 with nothing extracted for a failed or unreadable answer', () => {
    expect(scoreChoice(choice, null)).toEqual({ score: 0, extracted: null });
    expect(scoreChoice(choice, 'It depends.')).toEqual({ score: 0, extracted: null });
  });

  it('without options, reads A–D and the expected letter', () => {
    const bare: EvalItem = { id: 'c2', kind: 'choice', question: 'Pick one of A to F.' };
    expect(scoreChoice({ ...bare, answer: 'F' }, 'Answer: F')).toEqual({ score: 1, extracted: 'F' });
    expect(scoreChoice({ ...bare, answer: 'B' }, 'Answer: F')).toEqual({ score: 0, extracted: null });
  });
});
