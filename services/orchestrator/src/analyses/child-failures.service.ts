import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { type ModelId, modelIdSchema, QueueName } from '@ultra/contracts';
import { Job, Queue } from 'bullmq';
import { z } from 'zod';

const childData = z.object({ model: modelIdSchema });

/**
 * Why the model tasks of a stage that left no value failed. BullMQ reports an ignored child failure by the
 * child's key, not its model, so when several are missing each failed child's data is read to pair them up.
 */
@Injectable()
export class ChildFailuresService {
  constructor(@InjectQueue(QueueName.ModelTasks) private readonly modelTasks: Queue) {}

  /** Failure reason per lost model; a model whose child cannot be found any more is left out. */
  async reasonsFor(parent: Job, lost: readonly ModelId[]): Promise<Map<ModelId, string>> {
    const failures = Object.entries(await parent.getIgnoredChildrenFailures());
    const [only] = failures;
    const [onlyLost] = lost;
    // The common case needs no lookup: one model without a value and one failed child are the same task.
    if (failures.length === 1 && lost.length === 1 && only && onlyLost) return new Map([[onlyLost, only[1]]]);

    const prefix = `${this.modelTasks.qualifiedName}:`;
    const reasons = new Map<ModelId, string>();
    await Promise.all(
      failures.map(async ([key, reason]) => {
        if (!key.startsWith(prefix)) return;
        const child = await Job.fromId(this.modelTasks, key.slice(prefix.length));
        const parsed = childData.safeParse(child?.data);
        if (parsed.success && lost.includes(parsed.data.model)) reasons.set(parsed.data.model, reason);
      }),
    );
    return reasons;
  }
}
