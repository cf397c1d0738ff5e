import { Injectable } from '@nestjs/common';
import {
  ErrorCategory,
  type ModelCallResult,
  modelCallResultSchema,
  OutputStatus,
  type StageCollectJob,
} from '@ultra/contracts';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { keyOf } from '../patterns/run-state';
import { ChildFailuresService } from './child-failures.service';

type Call = StageCollectJob['calls'][number];

/**
 * Reads what a finished stage run produced: the value of each model task, in the run's call order. A task that
 * ended without a valid value (its worker died for good, say) becomes a failed output naming the cause, so every
 * call of the run has exactly one output.
 */
@Injectable()
export class StageCollector {
  constructor(
    private readonly childFailures: ChildFailuresService,
    private readonly logger: PinoLogger,
  ) {}

  async collect(job: Job, data: StageCollectJob): Promise<ModelCallResult[]> {
    const keys = data.calls.map(keyOf);
    const results = await this.childResults(job, keys);
    const lost = keys.filter((key) => !results.has(key));
    const reasons = lost.length > 0 ? await this.childFailures.reasonsFor(job, lost) : new Map<string, string>();
    if (lost.length > 0) this.logger.warn({ stage: data.stage, lost }, 'model tasks ended without a result');
    return data.calls.map(
      (call) =>
        results.get(keyOf(call)) ??
        lostResult(call, reasons.get(keyOf(call)) ?? 'the model task ended without a result'),
    );
  }

  /** Valid values of the children, by call key; a value that breaks the contract counts as no value. */
  private async childResults(job: Job, keys: readonly string[]): Promise<Map<string, ModelCallResult>> {
    const values = await job.getChildrenValues<unknown>();
    const results = new Map<string, ModelCallResult>();
    for (const [child, value] of Object.entries(values)) {
      const parsed = modelCallResultSchema.safeParse(value);
      if (!parsed.success) {
        this.logger.warn({ child, issues: parsed.error.issues }, 'model task returned an invalid result');
      } else if (!keys.includes(keyOf(parsed.data))) {
        this.logger.warn({ child, model: parsed.data.model }, 'model task answered for a call not in the stage');
      } else {
        results.set(keyOf(parsed.data), parsed.data);
      }
    }
    return results;
  }
}

function lostResult(call: Call, reason: string): ModelCallResult {
  return {
    model: call.model,
    sample: call.sample,
    status: OutputStatus.Failed,
    text: null,
    error: { category: ErrorCategory.WorkerLost, message: `${call.model}: ${reason}` },
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    finishReason: null,
  };
}
