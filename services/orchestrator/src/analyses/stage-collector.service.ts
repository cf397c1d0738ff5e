import { Injectable } from '@nestjs/common';
import {
  ErrorCategory,
  type ModelCallResult,
  modelCallResultSchema,
  type ModelId,
  OutputStatus,
  type StageCollectJob,
} from '@ultra/contracts';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { ChildFailuresService } from './child-failures.service';

/**
 * Reads what a finished stage produced: the value of each model task, in the stage's model order. A task that
 * ended without a valid value (its worker died for good, say) becomes a failed output naming the cause, so every
 * model of the stage has exactly one output.
 */
@Injectable()
export class StageCollector {
  constructor(
    private readonly childFailures: ChildFailuresService,
    private readonly logger: PinoLogger,
  ) {}

  async collect(job: Job, data: StageCollectJob): Promise<ModelCallResult[]> {
    const results = await this.childResults(job, data.models);
    const lost = data.models.filter((model) => !results.has(model));
    const reasons = lost.length > 0 ? await this.childFailures.reasonsFor(job, lost) : new Map<ModelId, string>();
    if (lost.length > 0) this.logger.warn({ stage: data.stage, lost }, 'model tasks ended without a result');
    return data.models.map(
      (model) => results.get(model) ?? lostResult(model, reasons.get(model) ?? 'the model task ended without a result'),
    );
  }

  /** Valid values of the children, by model; a value that breaks the contract counts as no value. */
  private async childResults(job: Job, models: readonly ModelId[]): Promise<Map<ModelId, ModelCallResult>> {
    const values = await job.getChildrenValues<unknown>();
    const results = new Map<ModelId, ModelCallResult>();
    for (const [key, value] of Object.entries(values)) {
      const parsed = modelCallResultSchema.safeParse(value);
      if (!parsed.success) {
        this.logger.warn({ child: key, issues: parsed.error.issues }, 'model task returned an invalid result');
      } else if (!models.includes(parsed.data.model)) {
        this.logger.warn({ child: key, model: parsed.data.model }, 'model task answered for a model not in the stage');
      } else {
        results.set(parsed.data.model, parsed.data);
      }
    }
    return results;
  }
}

function lostResult(model: ModelId, reason: string): ModelCallResult {
  return {
    model,
    status: OutputStatus.Failed,
    text: null,
    error: { category: ErrorCategory.WorkerLost, message: `${model}: ${reason}` },
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    finishReason: null,
  };
}
