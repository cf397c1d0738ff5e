/**
 * Scoring of `ultra eval` answers. Models answer in free text (markdown, LaTeX, chain of thought with intermediate
 * numbers), so the number or the letter is read from the most explicit form present, down to weaker hints.
 */
import type { EvalItem } from './eval-types.js';

export { judgePrompt, openItemScore, parseVerdict, verdictFor } from './judge-prompts.js';

/** The instruction on the answer's form, so that extraction usually finds an `Answer:` line. */
const finalLine = (form: string, detail: string): string =>
  `\n\nEnd with a final line of the form \`Answer: <${form}>\` (${detail}).`;

export function questionPrompt(item: EvalItem): string {
  switch (item.kind) {
    case 'numeric':
      return item.question + finalLine('number', 'the number alone, without units');
    case 'choice':
      return item.question + finalLine('letter', 'the letter of one option');
    case 'open':
      return item.question;
  }
}

/**
 * A number as models write it: sign (also U+2212), currency, thousands separators, decimals, a fraction. Not inside
 * words ("step1") nor dates; a minus right after a digit is an operator ("5-3"), not a sign.
 */
const NUMBER =
  /(?<![A-Za-z0-9_./])([-−])?\$?([-−])?((?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:\s?\/\s?(\d+(?:\.\d+)?)(?![\d/]))?/g;

function valueOf(match: RegExpExecArray): number | null {
  const whole = Number(match[3].replace(/,/g, ''));
  const value = match[4] === undefined ? whole : whole / Number(match[4]);
  if (!Number.isFinite(value)) return null;
  return (match[1] ?? match[2]) !== undefined && value !== 0 ? -value : value;
}

function numbersIn(text: string): { value: number; index: number; end: number }[] {
  const found: { value: number; index: number; end: number }[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const value = valueOf(match);
    if (value !== null) found.push({ value, index: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** LaTeX the models wrap numbers in, rewritten to plain text: `\frac{3}{4}`, `1{,}234`, `\$`, `\text{ apples}`. */
function plainMath(text: string): string {
  return text
    .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, '$1/$2')
    .replace(/\\[dt]?frac(\d)(\d)/g, '$1/$2')
    .replace(/\\(?:text|textbf|mathrm|mathbf|operatorname)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\{,\}/g, ',')
    .replace(/\\[,;:! ]/g, '')
    .replace(/\\([$%])/g, '$1');
}

/** The contents of every `\boxed{…}`, braces matched (the content may hold `{,}` or a fraction). */
function boxedContents(text: string): string[] {
  const contents: string[] = [];
  for (const match of text.matchAll(/\\(?:boxed|fbox)\s*\{/g)) {
    const start = match.index + match[0].length;
    let depth = 1;
    let i = start;
    for (; i < text.length && depth > 0; i++) depth += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
    if (depth === 0) contents.push(text.slice(start, i - 1));
  }
  return contents;
}

/**
 * What follows `Answer:` (also `**Answer:**`, `Final answer:`) on each line that has it; when nothing follows (a
 * heading such as `**Final answer:**`), the next non-empty line.
 */
function answerContents(text: string): string[] {
  const lines = text.split('\n');
  const contents: string[] = [];
  lines.forEach((line, i) => {
    const labels = [...line.matchAll(/(?<![A-Za-z])answer[\s*_]*[:：]/gi)];
    const last = labels.at(-1);
    if (!last) return;
    const rest = line.slice(last.index + last[0].length);
    const next = rest.replace(/[\s*_`#]/g, '') === '' ? lines.slice(i + 1).find((l) => l.trim() !== '') : undefined;
    contents.push(next ?? rest);
  });
  return contents;
}

/** "the answer is …": what follows the phrase, up to the line's end. */
const ANSWER_PHRASE = /\banswer\s+(?:is|would be|should be|must be|=)\s*[:：]?/gi;
/** For choices, also "the correct option is …", "the right one is …", "I'd go with …". */
const CHOICE_PHRASE =
  /\b(?:answer|option|choice|one)\s+(?:is|would be|should be|must be|=)\s*[:：]?|\b(?:choose|pick|select|go with)\s/gi;

function phrases(text: string, phrase: RegExp): string[] {
  return [...text.matchAll(phrase)].map((m) => text.slice(m.index + m[0].length).split('\n')[0]);
}

/** `#### 72` (GSM8K style): the number must open the line and only a unit may follow, so a heading is not read. */
function gsmMarks(text: string): string[] {
  return [...text.matchAll(/^[ \t]*####[ \t]*(.+)$/gm)]
    .map((m) => m[1].replace(/[*_`]/g, '').trim())
    .filter((content) => {
      const first = numbersIn(content)[0];
      return first?.index === 0 && /^\s*(?:%|[A-Za-z]+(?:\s+[A-Za-z]+)?)?\s*\.?\s*$/.test(content.slice(first.end));
    });
}

/**
 * The number an answer statement gives: the first of its first clause, after its last `=` ("x = 5"), leaving
 * asides in parentheses ("12 (since 3 × 4 = 12)") and reasons ("5, since 10 = 2 × 5") out.
 */
function numberInAnswer(content: string): number | null {
  const clause = content.split(/[,;]\s|\.\s|\s(?:because|since|as)\s/)[0];
  const main = clause.replace(/\([^()]*\)/g, ' ');
  const afterEquals = main.split('=').at(-1) ?? main;
  return (numbersIn(afterEquals)[0] ?? numbersIn(main)[0] ?? numbersIn(clause)[0])?.value ?? null;
}

/** The reading of the last candidate that gives one. */
function lastReading<T>(candidates: string[], read: (candidate: string) => T | null): T | null {
  for (let i = candidates.length - 1; i >= 0; i--) {
    const reading = read(candidates[i]);
    if (reading !== null) return reading;
  }
  return null;
}

export function extractNumber(text: string): number | null {
  const plain = plainMath(text);
  return (
    lastReading(answerContents(plain), numberInAnswer) ??
    lastReading(gsmMarks(plain), numberInAnswer) ??
    lastReading(boxedContents(plain), numberInAnswer) ??
    lastReading(phrases(plain, ANSWER_PHRASE), numberInAnswer) ??
    numbersIn(plain).at(-1)?.value ??
    null
  );
}

export function scoreNumeric(item: EvalItem, text: string | null): { score: 0 | 1; extracted: string | null } {
  const got = text === null ? null : extractNumber(text);
  if (got === null) return { score: 0, extracted: null };
  const expected = extractNumber(item.answer ?? '');
  // Large answers are compared relatively: "1,234,567.8" rounded to the unit is still right.
  const tolerance =
    item.tolerance ?? (expected !== null && Math.abs(expected) >= 1000 ? Math.abs(expected) * 1e-4 : 1e-6);
  const right = expected !== null && Math.abs(got - expected) <= tolerance;
  return { score: right ? 1 : 0, extracted: String(got) };
}

const normalised = (s: string): string =>
  s
    .replace(/[*_`#>"“”]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!]$/, '')
    .toLowerCase();

/**
 * A letter that opens `text` as a label: "B", "(B)", "B)", "B.", "**B**", "Option B". A lower-case letter followed by
 * a word is the article ("a triangle"), not a label; an upper-case one is taken ("A because …").
 */
function labelAtStart(text: string, letters: Set<string>): string | null {
  const match = /^[\s*_`]*(?:(?:option|choice)\s+)?[([]?\s*([A-Za-z])\s*[)\]]?(?=$|[\s.,:;!*_`)\]])(.*)/is.exec(text);
  if (!match) return null;
  const [, letter, rest] = match;
  if (letter === letter.toLowerCase() && /^\s+[A-Za-z]/.test(rest)) return null;
  return letters.has(letter.toUpperCase()) ? letter.toUpperCase() : null;
}

/** The letter of the option whose full text `text` is (trailing period, quotes and markdown aside). */
function optionWithText(text: string, letters: string[], choices: string[] | undefined): string | null {
  const wanted = normalised(text);
  const index = (choices ?? []).findIndex((choice) => wanted !== '' && normalised(choice) === wanted);
  return index >= 0 && index < letters.length ? letters[index] : null;
}

export function extractChoice(text: string, letters: string[], choices?: string[]): string | null {
  const allowed = new Set(letters.map((l) => l.toUpperCase()));
  const plain = plainMath(text);
  const lines = plain.split('\n').filter((line) => line.trim() !== '');
  const finalLine = lines.at(-1) ?? '';
  const label = (s: string): string | null => labelAtStart(s, allowed);
  const labelOnly = (s: string): string | null => (/^[\s*_`([]*[A-Za-z][\s*_`)\].]*$/.test(s) ? label(s) : null);
  const lastLabel = (pattern: RegExp): string | null =>
    lastReading(
      [...plain.matchAll(pattern)].map((m) => plain.slice(m.index + m[0].length)),
      label,
    );
  // Letters opening lines are usually the options restated: they count only when they agree.
  const lineStarts = new Set(
    [...plain.matchAll(/^[ \t]*(?:[-*][ \t]+)?(?:\(([A-Za-z])\)|([A-Za-z])\))/gm)].map((m) => m[1] ?? m[2]),
  );
  return (
    // An option's text comes first so that "Answer: A triangle" is the option "A triangle" when there is one.
    lastReading(answerContents(plain), (c) => optionWithText(c, letters, choices) ?? label(c)) ??
    lastReading(boxedContents(plain), label) ??
    lastReading(phrases(plain, CHOICE_PHRASE), label) ??
    labelOnly(finalLine) ??
    lastLabel(/\*\*(?=\s*\(?[A-Za-z](?:\s*\*\*|[).:]))/g) ??
    (lineStarts.size === 1 ? label(`${[...lineStarts][0]})`) : null) ??
    lastLabel(/\b(?=(?:option|choice)\s+\(?[A-Za-z]\b)/gi) ??
    optionWithText(finalLine, letters, choices)
  );
}

/** The letters of an item's options; without options, A–D and the expected letter. */
function lettersOf(item: EvalItem): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const expected = alphabet.indexOf((item.answer ?? '').trim().toUpperCase());
  const count = item.choices?.length ?? Math.max(4, expected + 1);
  return [...alphabet.slice(0, count)];
}

export function scoreChoice(item: EvalItem, text: string | null): { score: 0 | 1; extracted: string | null } {
  const extracted = text === null ? null : extractChoice(text, lettersOf(item), item.choices);
  const right = extracted !== null && extracted === (item.answer ?? '').trim().toUpperCase();
  return { score: right ? 1 : 0, extracted };
}
