import { analyzeBodyOf, SINGLE_MODEL_PATTERN } from './eval-arms.js';
import type { EvalStore } from './eval-store.js';
import type { AnswerRecord, EvalArm, EvalItem, EvalSuite, JudgementRecord } from './eval-types.js';
import { judgePrompt, parseVerdict, questionPrompt, scoreChoice, scoreNumeric, verdictFor } from './scoring.js';
import type { UltraAsker } from './ultra-asker.js';

export interface RunOptions {
  suite: EvalSuite;
  arms: EvalArm[];
  /** The model that judges open answers; null when the suite has none. */
  judge: string | null;
  /** What open answers are judged against: an arm id or 'reference'; null when the suite has no open items. */
  baseline: string | null;
  budgetUsd?: number;
  concurrency: number;
  /** The most any one task may cost, per arm id (and `judge`), from Ultra's estimate: reserved while it runs. */
  estimateUsd: Record<string, number>;
}

export interface RunProgress {
  answers: { done: number; total: number };
  judgements: { done: number; total: number };
  failed: number;
  spentUsd: number;
  budgetUsd?: number;
}

export interface RunOutcome {
  stoppedByBudget: boolean;
  interrupted: boolean;
}

type Task = { reserve: number; run: () => Promise<void> };
const ORDERS = ['armFirst', 'baselineFirst'] as const;

/**
 * Asks every missing (item, arm) answer, then every missing judgement of open answers, `concurrency` at a time,
 * appending each record as it arrives. The budget counts what the records cost plus the estimate of what is in
 * flight, so no task starts that could take the run past it; the run then stops cleanly, resumable later.
 */
export class EvalRunner {
  private stoppedByBudget = false;
  /** What ended the run early (an expired login, the daily budget spent): thrown once the tasks in flight end. */
  private fatal: Error | undefined;

  constructor(
    private readonly asker: UltraAsker,
    private readonly store: EvalStore,
    private readonly options: RunOptions,
    private readonly onProgress: (progress: RunProgress) => void = () => undefined,
  ) {}

  async run(signal?: AbortSignal): Promise<RunOutcome> {
    this.report();
    await this.pool(this.answerTasks(), signal);
    if (!this.stoppedByBudget && !signal?.aborted && this.fatal === undefined) {
      await this.pool(this.judgementTasks(), signal);
    }
    if (this.fatal !== undefined) throw this.fatal;
    return { stoppedByBudget: this.stoppedByBudget, interrupted: signal?.aborted === true };
  }

  progress(): RunProgress {
    const answers = this.store.records.filter((r) => r.type === 'answer');
    return {
      answers: { done: answers.length, total: this.options.suite.items.length * this.options.arms.length },
      judgements: {
        done: this.store.records.filter((r) => r.type === 'judgement').length,
        total: this.judgementCount(),
      },
      failed: answers.filter((r) => r.status === 'failed').length,
      spentUsd: this.store.spentUsd(),
      budgetUsd: this.options.budgetUsd,
    };
  }

  private answerTasks(): Task[] {
    const have = new Set(this.answers().map((r) => `${r.itemId}\n${r.armId}`));
    return this.options.suite.items.flatMap((item) =>
      this.options.arms
        .filter((arm) => !have.has(`${item.id}\n${arm.id}`))
        .map((arm) => ({ reserve: this.options.estimateUsd[arm.id] ?? 0, run: () => this.answer(item, arm) })),
    );
  }

  private async answer(item: EvalItem, arm: EvalArm): Promise<void> {
    const asked = await this.asker.ask(analyzeBodyOf(arm, questionPrompt(item)));
    const scored =
      item.kind === 'numeric'
        ? scoreNumeric(item, asked.text)
        : item.kind === 'choice'
          ? scoreChoice(item, asked.text)
          : undefined;
    const record: AnswerRecord = { type: 'answer', itemId: item.id, armId: arm.id, ...asked, ...scored };
    await this.store.append(record);
  }

  /** Open items: each arm but the baseline, against the baseline's answer (or the item's reference), both orders. */
  private judgementTasks(): Task[] {
    const { judge, baseline } = this.options;
    if (judge === null || baseline === null) return [];
    const answers = new Map(this.answers().map((r) => [`${r.itemId}\n${r.armId}`, r]));
    const have = new Set(
      this.store.records.flatMap((r) => (r.type === 'judgement' ? [`${r.itemId}\n${r.armId}\n${r.order}`] : [])),
    );
    const tasks: Task[] = [];
    for (const item of this.options.suite.items.filter((i) => i.kind === 'open')) {
      const other = baseline === 'reference' ? item.answer : answers.get(`${item.id}\n${baseline}`)?.text;
      for (const arm of this.options.arms.filter((a) => a.id !== baseline)) {
        const mine = answers.get(`${item.id}\n${arm.id}`);
        for (const order of ORDERS) {
          if (have.has(`${item.id}\n${arm.id}\n${order}`) || !mine) continue;
          const reserve = this.options.estimateUsd.judge ?? 0;
          tasks.push({ reserve, run: () => this.judgeOne(item, arm, mine, other ?? null, order) });
        }
      }
    }
    return tasks;
  }

  private async judgeOne(
    item: EvalItem,
    arm: EvalArm,
    mine: AnswerRecord,
    other: string | null,
    order: (typeof ORDERS)[number],
  ): Promise<void> {
    const base: Omit<JudgementRecord, 'winner' | 'analysisId' | 'costUsd'> = {
      type: 'judgement',
      itemId: item.id,
      armId: arm.id,
      baselineArmId: this.options.baseline ?? 'reference',
      order,
    };
    // An answer that failed loses to one that exists, with no judge to pay; two failures are a tie.
    if (mine.text === null || other === null) {
      const winner = mine.text === null ? (other === null ? 'tie' : 'baseline') : 'arm';
      await this.store.append({ ...base, winner, analysisId: null, costUsd: 0 });
      return;
    }
    const [first, second] = order === 'armFirst' ? [mine.text, other] : [other, mine.text];
    const reference = this.options.baseline === 'reference' ? undefined : item.answer;
    const prompt = judgePrompt({ question: item.question, first, second, ...(reference && { reference }) });
    const judge = this.options.judge as string;
    const asked = await this.asker.ask({
      prompt,
      pattern: SINGLE_MODEL_PATTERN,
      models: [judge],
      ultraModel: judge,
      cache: false,
    });
    const winner = asked.text === null ? null : verdictFor(order, parseVerdict(asked.text));
    await this.store.append({ ...base, winner, analysisId: asked.analysisId, costUsd: asked.costUsd });
  }

  private judgementCount(): number {
    const { judge, baseline, suite, arms } = this.options;
    if (judge === null || baseline === null) return 0;
    return suite.items.filter((i) => i.kind === 'open').length * arms.filter((a) => a.id !== baseline).length * 2;
  }

  private answers(): AnswerRecord[] {
    return this.store.records.filter((r): r is AnswerRecord => r.type === 'answer');
  }

  /** Runs tasks `concurrency` at a time, starting none the budget cannot cover and none after an abort. */
  private async pool(tasks: Task[], signal?: AbortSignal): Promise<void> {
    let reserved = 0;
    let next = 0;
    const budget = this.options.budgetUsd;
    const worker = async () => {
      while (next < tasks.length && !signal?.aborted && !this.stoppedByBudget && this.fatal === undefined) {
        const task = tasks[next];
        if (budget !== undefined && this.store.spentUsd() + reserved + task.reserve > budget) {
          this.stoppedByBudget = true;
          return;
        }
        next++;
        reserved += task.reserve;
        try {
          await task.run();
        } catch (error) {
          this.fatal ??= error instanceof Error ? error : new Error(String(error));
        } finally {
          reserved -= task.reserve;
          this.report();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
  }

  private report(): void {
    this.onProgress(this.progress());
  }
}
