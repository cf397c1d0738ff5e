import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { modelIdSchema, QueueName } from '@ultra/contracts';
import { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { keyOf } from '../patterns/run-state';

const childData = z.object({ model: modelIdSchema, sample: z.number().int().min(0).default(0) });

/**
 * Why the model tasks of a stage that left no value failed. BullMQ reports an ignored child failure by the
 * child's key, not its model, so when several are missing each failed child's data is read to pair them up.
 */
@Injectable()
export class ChildFailuresService {
  constructor(@InjectQueue(QueueName.ModelTasks) private readonly modelTasks: Queue) {}

  /**
   * Failure reason per lost call, by its key (model id, `model#n` for sample n); a call whose child cannot be
   * found any more is left out.
   */
  async reasonsFor(parent: Job, lost: readonly string[]): Promise<Map<string, string>> {
    const failures = Object.entries(await parent.getIgnoredChildrenFailures());
    const [only] = failures;
    const [onlyLost] = lost;
    // The common case needs no lookup: one model without a value and one failed child are the same task.
    if (failures.length === 1 && lost.length === 1 && only && onlyLost) return new Map([[onlyLost, only[1]]]);

    const prefix = `${this.modelTasks.qualifiedName}:`;
    const reasons = new Map<string, string>();
    await Promise.all(
      failures.map(async ([key, reason]) => {
        if (!key.startsWith(prefix)) return;
        const child = await Job.fromId(this.modelTasks, key.slice(prefix.length));
        const parsed = childData.safeParse(child?.data);
        const callKey = parsed.success ? keyOf(parsed.data) : undefined;
        if (callKey !== undefined && lost.includes(callKey)) reasons.set(callKey, reason);
      }),
    );
    return reasons;
  }
}
