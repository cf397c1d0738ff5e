import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, ExitCode } from '../exit-codes.js';
import type { EvalArm, EvalRecord } from './eval-types.js';

/** What a run was asked; a resumed run must ask the same, or its records would mix two experiments. */
export interface RunSettings {
  suite: string;
  arms: EvalArm[];
  judge: string | null;
  baseline: string | null;
}

export const ANSWERS_FILE = 'answers.jsonl';
export const RUN_FILE = 'run.json';

/**
 * A run's folder: `run.json` (its settings) and `answers.jsonl`, one record per line, appended as each answer or
 * judgement arrives, so a crash or Ctrl-C loses at most the calls in flight. A resumed run reads the records back
 * and asks only what is missing.
 */
export class EvalStore {
  private constructor(
    readonly dir: string,
    readonly records: EvalRecord[],
  ) {}

  /** Opens (creating) the folder; refuses one holding a run with other settings. */
  static async open(dir: string, settings: RunSettings): Promise<EvalStore> {
    await mkdir(dir, { recursive: true });
    const previous = await readJson(join(dir, RUN_FILE));
    if (previous !== undefined && !sameSettings(previous, settings)) {
      throw new CliError(
        `${dir} holds a run with other settings (suite, arms, judge or baseline); ` +
          'use another --out folder, or the same options to resume it',
        ExitCode.Usage,
      );
    }
    if (previous === undefined) await writeFile(join(dir, RUN_FILE), `${JSON.stringify(settings, null, 2)}\n`);
    const path = join(dir, ANSWERS_FILE);
    const { records, torn } = await readRecords(path);
    // The next append must start on a line of its own.
    if (torn) await writeFile(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return new EvalStore(dir, records);
  }

  async append(record: EvalRecord): Promise<void> {
    this.records.push(record);
    await appendFile(join(this.dir, ANSWERS_FILE), `${JSON.stringify(record)}\n`);
  }

  /** Everything spent so far, answers and judgements, this run's and the earlier sessions'. */
  spentUsd(): number {
    return this.records.reduce((sum, record) => sum + record.costUsd, 0);
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, ExitCode.Usage);
  }
}

function sameSettings(previous: unknown, settings: RunSettings): boolean {
  return JSON.stringify(previous) === JSON.stringify(JSON.parse(JSON.stringify(settings)));
}

/** The records of earlier sessions. A last line cut short by a crash is dropped (its call is asked again). */
async function readRecords(path: string): Promise<{ records: EvalRecord[]; torn: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], torn: false };
    throw error;
  }
  const records: EvalRecord[] = [];
  let torn = text.length > 0 && !text.endsWith('\n');
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    try {
      const record = JSON.parse(line) as EvalRecord;
      if (record.type === 'answer' || record.type === 'judgement') records.push(record);
    } catch (error) {
      const last = lines.slice(index + 1).every((rest) => !rest.trim());
      if (!last)
        throw new CliError(`${path}:${index + 1}: not a JSON record (${(error as Error).message})`, ExitCode.Usage);
      torn = true;
    }
  });
  return { records, torn };
}
