import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@ultra/platform';
import type { WorkerConfig } from '../config/worker.config';
import { readModelCatalog } from './model-catalog-file';

/**
 * Which models take sampling parameters. A catalog entry with `sampling: false` (OpenAI's GPT-6 line answers 400 to
 * `temperature` while its reasoning is on) gets none, so a stage or request temperature cannot fail its calls;
 * every other model (compatible servers' included) gets what the task asks for.
 */
@Injectable()
export class SamplingPolicyService {
  private readonly refusing: ReadonlySet<string>;

  constructor(@Inject(APP_CONFIG) config: Pick<WorkerConfig, 'ULTRA_MODELS_FILE'>) {
    const catalog = readModelCatalog(config.ULTRA_MODELS_FILE);
    this.refusing = new Set(catalog.models.filter((entry) => !entry.sampling).map((entry) => entry.id));
  }

  /** The temperature to send to `modelId` (the model called, a fallback's own rule applying to it). */
  temperatureFor(modelId: string, requested: number | undefined): number | undefined {
    return this.refusing.has(modelId) ? undefined : requested;
  }
}
