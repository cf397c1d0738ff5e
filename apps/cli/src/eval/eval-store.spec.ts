import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelArm } from './eval-arms.js';
import { ANSWERS_FILE, EvalStore, type RunSettings } from './eval-store.js';
import type { AnswerRecord } from './eval-types.js';

const settings: RunSettings = { suite: 'arithmetic', arms: [modelArm('mock:alpha')], judge: null, baseline: null };
const answer = (itemId: string, costUsd = 0.01): AnswerRecord => ({
  type: 'answer',
  itemId,
  armId: 'model:mock:alpha',
  analysisId: null,
  status: 'completed',
  text: 'Answer: 4',
  costUsd,
  latencyMs: 10,
  score: 1,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ultra-eval-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('EvalStore', () => {
  it('appends records that a later session reads back, with what they cost', async () => {
    const first = await EvalStore.open(dir, settings);
    await first.append(answer('a', 0.25));
    await first.append(answer('b', 0.5));
    const again = await EvalStore.open(dir, settings);
    expect(again.records.map((r) => r.itemId)).toEqual(['a', 'b']);
    expect(again.spentUsd()).toBeCloseTo(0.75);
  });

  it('drops a last line cut short by a crash, and the next record starts on a line of its own', async () => {
    const store = await EvalStore.open(dir, settings);
    await store.append(answer('a'));
    const path = join(dir, ANSWERS_FILE);
    await writeFile(path, `${await readFile(path, 'utf8')}{"type":"answer","itemId":"b","ar`);
    const resumed = await EvalStore.open(dir, settings);
    expect(resumed.records.map((r) => r.itemId)).toEqual(['a']);
    await resumed.append(answer('c'));
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as AnswerRecord).itemId)).toEqual(['a', 'c']);
  });

  it('refuses a folder holding a run with other settings', async () => {
    await EvalStore.open(dir, settings);
    await expect(EvalStore.open(dir, { ...settings, judge: 'mock:beta' })).rejects.toThrow('other settings');
    await expect(EvalStore.open(dir, { ...settings, arms: [modelArm('mock:beta')] })).rejects.toThrow('other settings');
  });

  it('names the line of a record broken in the middle of the file', async () => {
    await EvalStore.open(dir, settings);
    await writeFile(
      join(dir, ANSWERS_FILE),
      `${JSON.stringify(answer('a'))}\nnot json\n${JSON.stringify(answer('b'))}\n`,
    );
    await expect(EvalStore.open(dir, settings)).rejects.toThrow(`${ANSWERS_FILE}:2`);
  });
});
