import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_SUITES, loadSuite } from './suite-loader.js';

let dir: string;

/** Writes a fixture file (creating its folders) and returns its path. */
async function fixture(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  return path;
}

const jsonl = (...rows: unknown[]): string =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'suite-loader-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('built-in suites', () => {
  it('are arithmetic, choice and open, with their sizes and unique, numbered ids', async () => {
    expect(BUILTIN_SUITES).toEqual(['arithmetic', 'choice', 'open']);
    const sizes: Record<string, number> = { arithmetic: 30, choice: 30, open: 24 };
    const prefixes: Record<string, string> = { arithmetic: 'arith', choice: 'choice', open: 'open' };
    for (const name of BUILTIN_SUITES) {
      const suite = await loadSuite(name);
      expect(suite.name).toBe(name);
      expect(suite.items).toHaveLength(sizes[name]);
      expect(new Set(suite.items.map((i) => i.id)).size).toBe(suite.items.length);
      suite.items.forEach((item, i) => expect(item.id).toBe(`${prefixes[name]}-${String(i + 1).padStart(2, '0')}`));
      for (const item of suite.items) expect(item.question.trim().length).toBeGreaterThan(10);
    }
  });

  it('arithmetic has numeric answers, mostly integers, a few decimals and a negative or two', async () => {
    const { items } = await loadSuite('arithmetic');
    const answers = items.map((i) => Number(i.answer));
    for (const item of items) expect(item.kind).toBe('numeric');
    for (const n of answers) expect(Number.isFinite(n)).toBe(true);
    expect(answers.filter((n) => !Number.isInteger(n)).length).toBeGreaterThanOrEqual(3);
    expect(answers.filter((n) => n < 0).length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((n) => Number.isInteger(n)).length).toBeGreaterThan(items.length / 2);
  });

  it('choice lists its four options, lettered, and spreads the right letters evenly', async () => {
    const { items } = await loadSuite('choice');
    const counts: Record<string, number> = {};
    for (const item of items) {
      expect(item.kind).toBe('choice');
      expect(item.choices).toHaveLength(4);
      expect(['A', 'B', 'C', 'D']).toContain(item.answer);
      const lines = item.question.split('\n');
      expect(lines.slice(-4)).toEqual(item.choices?.map((c, i) => `${'ABCD'[i]}) ${c}`));
      expect(new Set(item.choices).size).toBe(4);
      counts[item.answer ?? ''] = (counts[item.answer ?? ''] ?? 0) + 1;
    }
    for (const letter of 'ABCD') expect(counts[letter]).toBeGreaterThanOrEqual(6);
  });

  it('open has no answers', async () => {
    const { items } = await loadSuite('open');
    for (const item of items) expect(item).toEqual({ id: item.id, kind: 'open', question: item.question });
  });
});

describe('suite files', () => {
  it('reads plain JSONL, inferring kinds and numbering ids by line', async () => {
    const path = await fixture(
      'mixed.jsonl',
      jsonl(
        { id: 'q1', question: 'Two plus two?', answer: 4, tolerance: 0.5 },
        '',
        { question: 'Half of seven?', answer: ' 3.5 ' },
        { question: 'Which is red?', choices: ['Sky', 'Blood'], answer: 'b' },
        { question: 'Why?', answer: 'Because.' },
        { question: 'Tell me a story.', kind: 'open', answer: 12 },
        { question: 'Pick\nA) x\nB) y', kind: 'choice', choices: ['x', 'y'], answer: 'A' },
      ) + '\n',
    );
    expect(await loadSuite(path)).toEqual({
      name: 'mixed',
      items: [
        { id: 'q1', kind: 'numeric', question: 'Two plus two?', answer: '4', tolerance: 0.5 },
        { id: '3', kind: 'numeric', question: 'Half of seven?', answer: '3.5' },
        {
          id: '4',
          kind: 'choice',
          question: 'Which is red?\nA) Sky\nB) Blood',
          choices: ['Sky', 'Blood'],
          answer: 'B',
        },
        { id: '5', kind: 'open', question: 'Why?', answer: 'Because.' },
        { id: '6', kind: 'open', question: 'Tell me a story.', answer: '12' },
        { id: '7', kind: 'choice', question: 'Pick\nA) x\nB) y', choices: ['x', 'y'], answer: 'A' },
      ],
    });
  });

  it('reads GSM8K, keeping the number after #### without its commas', async () => {
    const path = await fixture(
      'gsm8k_test.jsonl',
      jsonl(
        { question: 'How many?', answer: 'First 1000 + 234 = <<1000+234=1234>>1,234\n#### 1,234' },
        { question: 'Owed?', answer: 'She owes 5 - 12 = -7\n#### -7' },
      ),
    );
    expect(await loadSuite(path)).toEqual({
      name: 'gsm8k_test',
      items: [
        { id: '1', kind: 'numeric', question: 'How many?', answer: '1234' },
        { id: '2', kind: 'numeric', question: 'Owed?', answer: '-7' },
      ],
    });
  });

  it('reads an MMLU CSV whose fields hold commas, quotes and newlines', async () => {
    const path = await fixture(
      'astronomy_test.csv',
      '"Which holds, in order, ""both""\nlines?",one,"two, three","four\nfive",six,C\n' + 'Plain?,a,b,c,d,a\n',
    );
    const suite = await loadSuite(path);
    expect(suite.name).toBe('astronomy_test');
    expect(suite.items).toEqual([
      {
        id: '1',
        kind: 'choice',
        question: 'Which holds, in order, "both"\nlines?\nA) one\nB) two, three\nC) four\nfive\nD) six',
        choices: ['one', 'two, three', 'four\nfive', 'six'],
        answer: 'C',
      },
      {
        id: '2',
        kind: 'choice',
        question: 'Plain?\nA) a\nB) b\nC) c\nD) d',
        choices: ['a', 'b', 'c', 'd'],
        answer: 'A',
      },
    ]);
  });

  it('reads AlpacaEval JSON, with the reference output as the answer when there is one', async () => {
    const path = await fixture(
      'alpaca_eval.json',
      JSON.stringify([
        { instruction: 'Write a haiku.', output: 'Leaves fall...', dataset: 'x', generator: 'gpt-4' },
        { instruction: 'Explain tides.', dataset: 'y' },
      ]),
    );
    expect(await loadSuite(path)).toEqual({
      name: 'alpaca_eval',
      items: [
        { id: '1', kind: 'open', question: 'Write a haiku.', answer: 'Leaves fall...' },
        { id: '2', kind: 'open', question: 'Explain tides.' },
      ],
    });
  });

  it("reads MMLU's data/test folder, and a flat folder of *_test.csv, with subject-prefixed ids", async () => {
    await fixture('mmlu/data/test/anatomy_test.csv', 'Bones?,206,200,12,1,A\nHeart chambers?,2,3,4,5,C\n');
    await fixture('mmlu/data/test/virology_test.csv', 'Virus?,yes,no,maybe,never,B\n');
    const nested = await loadSuite(join(dir, 'mmlu'));
    expect(nested.name).toBe('mmlu');
    expect(nested.items.map((i) => [i.id, i.answer])).toEqual([
      ['anatomy-1', 'A'],
      ['anatomy-2', 'C'],
      ['virology-1', 'B'],
    ]);
    await fixture('flat/law_test.csv', 'Law?,a,b,c,d,D\n');
    await fixture('flat/notes.csv', 'not,a,suite\n');
    const flat = await loadSuite(join(dir, 'flat'));
    expect(flat).toMatchObject({ name: 'flat', items: [{ id: 'law-1', answer: 'D' }] });
    expect(flat.items).toHaveLength(1);
  });
});

describe('errors the user can act on', () => {
  it('names a missing file, and lists the built-ins for an unknown name', async () => {
    await expect(loadSuite(join(dir, 'nope.jsonl'))).rejects.toThrow(
      `suite file not found: ${join(dir, 'nope.jsonl')}`,
    );
    await expect(loadSuite('arithmetics')).rejects.toThrow(
      'unknown suite "arithmetics": the built-in suites are arithmetic, choice, open',
    );
  });

  it('refuses an empty suite, an unknown format and a folder without MMLU files', async () => {
    await expect(loadSuite(await fixture('empty.jsonl', '\n\n'))).rejects.toThrow('the suite has no items');
    await expect(loadSuite(await fixture('empty.json', '[]'))).rejects.toThrow('the suite has no items');
    await expect(loadSuite(await fixture('items.txt', 'What?'))).rejects.toThrow('unknown suite format');
    await fixture('nothing/readme.md', '# hi');
    await expect(loadSuite(join(dir, 'nothing'))).rejects.toThrow('no MMLU files');
  });

  it('says which line is bad and why', async () => {
    const cases: [string, string, RegExp][] = [
      ['bad-json.jsonl', jsonl({ question: 'ok' }, '{"question": '), /bad-json\.jsonl line 2: not valid JSON/],
      ['no-question.jsonl', jsonl({ question: 'ok' }, '', { answer: 3 }), /line 3: "question" must be a non-empty/],
      ['array.jsonl', jsonl([1, 2]), /line 1: expected a JSON object/],
      ['kind.jsonl', jsonl({ question: 'q', kind: 'essay' }), /line 1: "kind" must be one of numeric, choice, open/],
      ['numeric.jsonl', jsonl({ question: 'q', kind: 'numeric', answer: 'ten' }), /line 1: a numeric item needs/],
      ['choices.jsonl', jsonl({ question: 'q', choices: 'A or B', answer: 'A' }), /line 1: "choices" must be an array/],
      [
        'gsm.jsonl',
        jsonl({ question: 'q', answer: '#### 12' }, { question: 'r', answer: '#### 5?' }),
        /line 2: the answer/,
      ],
      ['tolerance.jsonl', jsonl({ question: 'q', answer: 1, tolerance: -1 }), /line 1: "tolerance" must be/],
      ['id.jsonl', jsonl({ id: ['x'], question: 'q' }), /line 1: "id" must be/],
      ['cols_test.csv', 'Q1,a,b,c,d,A\n\n"Q2\nQ2",a,b,c,B\n', /cols_test\.csv line 3: expected 6 columns .* found 5/],
      ['quote_test.csv', 'Q1,a,b,c,d,A\n"Q2,a,b,c,d,B\n', /quote_test\.csv: not valid CSV/],
      ['alpaca.json', JSON.stringify([{ instruction: 'ok' }, { output: 'x' }]), /entry 2: "instruction" must be/],
      ['object.json', JSON.stringify({ instruction: 'x' }), /expected an array of objects/],
    ];
    for (const [name, content, message] of cases) {
      await expect(loadSuite(await fixture(name, content))).rejects.toThrow(message);
    }
  });

  it('refuses a choice answer that is not among the options', async () => {
    const twoOptions = jsonl({ id: 'c1', question: 'q', choices: ['x', 'y'], answer: 'C' });
    await expect(loadSuite(await fixture('letter.jsonl', twoOptions))).rejects.toThrow(
      'item c1: answer "C" is not among its options A, B',
    );
    await expect(loadSuite(await fixture('letter_test.csv', 'Q,a,b,c,d,E\n'))).rejects.toThrow(
      'item 1: answer "E" is not among its options A, B, C, D',
    );
    const unanswered = jsonl({ id: 'c2', question: 'q', choices: ['x', 'y'] });
    await expect(loadSuite(await fixture('unanswered.jsonl', unanswered))).rejects.toThrow('item c2: answer ""');
  });

  it('refuses duplicate ids', async () => {
    const path = await fixture(
      'dupes.jsonl',
      jsonl({ id: 'a', question: 'q' }, { question: 'r' }, { id: 'a', question: 's' }),
    );
    await expect(loadSuite(path)).rejects.toThrow('duplicate item ids: a');
  });
});
