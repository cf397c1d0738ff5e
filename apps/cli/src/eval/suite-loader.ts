import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse, type InfoRecord } from 'csv-parse/sync';
import type { EvalItem, EvalSuite, ItemKind } from './eval-types.js';
import { arithmeticSuite } from './suites/arithmetic.suite.js';
import { choiceSuite, letteredQuestion } from './suites/choice.suite.js';
import { openSuite } from './suites/open.suite.js';

const BUILTINS = new Map<string, EvalSuite>([arithmeticSuite, choiceSuite, openSuite].map((s) => [s.name, s]));

export const BUILTIN_SUITES: readonly string[] = [...BUILTINS.keys()];

const KINDS: readonly ItemKind[] = ['numeric', 'choice', 'open'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A built-in suite by name, or a suite file: JSONL (plain or GSM8K), MMLU CSV, AlpacaEval JSON, or a folder of
 * MMLU CSVs. Every failure is an Error whose message tells the user what to fix (the CLI prints it as is).
 */
export async function loadSuite(nameOrPath: string): Promise<EvalSuite> {
  const builtin = BUILTINS.get(nameOrPath);
  const suite = builtin ?? (await loadPath(nameOrPath));
  validate(suite, builtin ? `built-in suite ${suite.name}` : nameOrPath);
  return suite;
}

async function loadPath(path: string): Promise<EvalSuite> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    // A bare word was most likely meant as a built-in name, anything else as a file.
    if (!/[/\\.]/.test(path)) {
      throw new Error(`unknown suite "${path}": the built-in suites are ${BUILTIN_SUITES.join(', ')}`);
    }
    throw new Error(`suite file not found: ${path}`);
  }
  if (info.isDirectory()) return loadMmluDir(path);
  const name = basename(path, extname(path));
  const text = await readFile(path, 'utf8');
  switch (extname(path).toLowerCase()) {
    case '.jsonl':
      return { name, items: parseJsonl(text, path) };
    case '.csv':
      return { name, items: parseMmlu(text, path, '') };
    case '.json':
      return { name, items: parseAlpaca(text, path) };
    default:
      throw new Error(`${path}: unknown suite format; use .jsonl, .csv (MMLU), .json (AlpacaEval) or an MMLU folder`);
  }
}

type Row = Record<string, unknown>;
type CsvRecord = { record: string[]; info: InfoRecord };

function parseJsonl(text: string, path: string): EvalItem[] {
  const rows: { row: Row; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new Error(`${path} line ${line}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${path} line ${line}: expected a JSON object with a "question"`);
    }
    rows.push({ row: value as Row, line });
  });
  // GSM8K's answers are worked solutions ending in "#### 42"; only the number after the marks is scored.
  const gsm8k =
    rows.length > 0 && rows.every(({ row }) => typeof row.answer === 'string' && row.answer.includes('####'));
  return rows.map(({ row, line }) =>
    gsm8k ? gsm8kItem(row, `${path} line ${line}`, line) : jsonlItem(row, `${path} line ${line}`, line),
  );
}

function gsm8kItem(row: Row, where: string, line: number): EvalItem {
  const answer = parseNumber(String(row.answer).split('####').pop() ?? '');
  if (answer === undefined) throw new Error(`${where}: the answer after "####" is not a number`);
  return { id: itemId(row, line, where), kind: 'numeric', question: question(row.question, where), answer };
}

function jsonlItem(row: Row, where: string, line: number): EvalItem {
  const text = question(row.question, where);
  const { answer, kind } = row;
  if (answer !== undefined && typeof answer !== 'string' && typeof answer !== 'number') {
    throw new Error(`${where}: "answer" must be a string or a number`);
  }
  if (kind !== undefined && !KINDS.includes(kind as ItemKind)) {
    throw new Error(`${where}: "kind" must be one of ${KINDS.join(', ')}`);
  }
  const choices = stringArray(row.choices, where);
  const { tolerance } = row;
  if (tolerance !== undefined && (typeof tolerance !== 'number' || tolerance < 0)) {
    throw new Error(`${where}: "tolerance" must be a non-negative number`);
  }
  const answerText = answer === undefined ? undefined : String(answer).trim();
  const number = answerText === undefined ? undefined : parseNumber(answerText);
  const resolved: ItemKind =
    (kind as ItemKind | undefined) ?? (choices ? 'choice' : number !== undefined ? 'numeric' : 'open');
  const item: EvalItem = { id: itemId(row, line, where), kind: resolved, question: text };
  if (resolved === 'numeric') {
    if (number === undefined) throw new Error(`${where}: a numeric item needs a number as "answer"`);
    return { ...item, answer: number, ...(typeof tolerance === 'number' ? { tolerance } : {}) };
  }
  if (resolved === 'choice') {
    if (!choices || choices.length < 2) throw new Error(`${where}: a choice item needs at least two "choices"`);
    // A question that already lists its options is sent as written, so they do not appear twice.
    const listed = text.includes(`A) ${choices[0]}`);
    const prompt = listed ? text : letteredQuestion(text, choices);
    return { ...item, question: prompt, choices, ...(answerText ? { answer: answerText.toUpperCase() } : {}) };
  }
  return answerText ? { ...item, answer: answerText } : item;
}

/** MMLU's test files: no header; question, four options, the right letter. */
function parseMmlu(text: string, path: string, prefix: string): EvalItem[] {
  let records: CsvRecord[];
  try {
    const options = { info: true, bom: true, skip_empty_lines: true, relax_column_count: true };
    // With `info`, csv-parse returns { record, info } pairs, which its typings do not express.
    records = parse(text, options) as unknown as CsvRecord[];
  } catch (error) {
    throw new Error(`${path}: not valid CSV (${(error as Error).message})`, { cause: error });
  }
  let end = { lines: 0, empty_lines: 0 };
  return records.map(({ record, info }, i) => {
    // `info.lines` is where a record ends; a question spanning lines is reported where it starts.
    const where = `${path} line ${end.lines + 1 + info.empty_lines - end.empty_lines}`;
    end = info;
    if (record.length !== 6) {
      throw new Error(`${where}: expected 6 columns (question, A, B, C, D, answer letter), found ${record.length}`);
    }
    const [text, a, b, c, d, letter] = record;
    const choices = [a, b, c, d];
    if (text.trim() === '') throw new Error(`${where}: the question is empty`);
    const prompt = letteredQuestion(text, choices);
    return { id: `${prefix}${i + 1}`, kind: 'choice', question: prompt, choices, answer: letter.trim().toUpperCase() };
  });
}

/** MMLU's `data/test/*.csv`, or a folder of `<subject>_test.csv`: one suite, ids prefixed with the subject. */
async function loadMmluDir(dir: string): Promise<EvalSuite> {
  const nested = join(dir, 'data', 'test');
  const isNested = (await stat(nested).catch(() => undefined))?.isDirectory() ?? false;
  const folder = isNested ? nested : dir;
  const files = (await readdir(folder)).filter((f) => (isNested ? f.endsWith('.csv') : f.endsWith('_test.csv'))).sort();
  if (files.length === 0) throw new Error(`${dir}: no MMLU files (data/test/*.csv or *_test.csv) in this folder`);
  const items: EvalItem[] = [];
  for (const file of files) {
    const subject = basename(file, '.csv').replace(/_test$/, '');
    items.push(...parseMmlu(await readFile(join(folder, file), 'utf8'), join(folder, file), `${subject}-`));
  }
  return { name: basename(dir), items };
}

/** AlpacaEval: an array of { instruction, output?, dataset?, generator? }; `output` becomes the judge's reference. */
function parseAlpaca(text: string, path: string): EvalItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(value)) throw new Error(`${path}: expected an array of objects with an "instruction"`);
  return value.map((entry: unknown, i) => {
    const where = `${path} entry ${i + 1}`;
    const row = (typeof entry === 'object' && entry !== null ? entry : {}) as Row;
    if (typeof row.instruction !== 'string' || row.instruction.trim() === '') {
      throw new Error(`${where}: "instruction" must be a non-empty string`);
    }
    const item: EvalItem = { id: String(i + 1), kind: 'open', question: row.instruction };
    return typeof row.output === 'string' && row.output.trim() !== '' ? { ...item, answer: row.output } : item;
  });
}

function stringArray(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((c): c is string => typeof c === 'string')) return value;
  throw new Error(`${where}: "choices" must be an array of strings`);
}

function question(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`${where}: "question" must be a non-empty string`);
  return value;
}

function itemId(row: Row, line: number, where: string): string {
  if (row.id === undefined) return String(line);
  if ((typeof row.id !== 'string' && typeof row.id !== 'number') || String(row.id).trim() === '') {
    throw new Error(`${where}: "id" must be a non-empty string or a number`);
  }
  return String(row.id).trim();
}

/** The number as canonical text ("1,234" → "1234", "$3.50" is not a number), or undefined. */
function parseNumber(text: string): string | undefined {
  const cleaned = text.trim().replace(/(\d),(?=\d{3}\b)/g, '$1');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return undefined;
  return cleaned.replace(/^\+/, '');
}

/** What every suite must satisfy, whatever its source. */
function validate(suite: EvalSuite, source: string): void {
  if (suite.items.length === 0) throw new Error(`${source}: the suite has no items`);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const item of suite.items) (seen.has(item.id) ? duplicates : seen).add(item.id);
  if (duplicates.size > 0) throw new Error(`${source}: duplicate item ids: ${[...duplicates].slice(0, 5).join(', ')}`);
  for (const item of suite.items) {
    if (item.kind !== 'choice') continue;
    const letters = LETTERS.slice(0, item.choices?.length ?? 0);
    if (!item.answer || item.answer.length !== 1 || !letters.includes(item.answer)) {
      throw new Error(
        `${source}: item ${item.id}: answer "${item.answer ?? ''}" is not among its options ${letters.split('').join(', ')}`,
      );
    }
  }
}
