import { type AnalysisSpec, ApiErrorCode, paramValues, patternSpecSchema } from '@ultra/contracts';
import { ApiException } from '../common/api-exception';
import type { AnalysisRequestValidator } from '../analyses/analysis-request.validator';
import type { AuthUser } from '../auth/token-claims';
import { gatewayConfig } from '../config/gateway.config';
import { AnalysisEstimateController } from './analysis-estimate.controller';
import { AnalysisEstimator } from './analysis-estimator.service';
import { CatalogService } from '../catalog/catalog.service';
import { ProviderAvailability } from '../catalog/provider-availability';

const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db' });
const estimator = new AnalysisEstimator(new CatalogService(config, new ProviderAvailability(config)));

const direct = patternSpecSchema.parse({
  id: 'direct',
  name: 'Direct',
  description: 'One model, one call.',
  stages: [
    { id: 'answer', label: 'Answer', kind: 'generate', participants: 'ultra', prompt: { user: '{{question}}' } },
  ],
});
const spec = (model: string): AnalysisSpec => ({
  prompt: 'x'.repeat(400),
  models: [model],
  ultraModel: model,
  pattern: 'direct',
  patternSpec: direct,
  params: paramValues(direct),
  options: {},
});

describe('AnalysisEstimator', () => {
  it("prices calls at the catalog's prices (config/models.json: gpt-4o at 2.50 in / 10 out per million)", () => {
    const { total } = estimator.estimate(spec('openai:gpt-4o'));
    expect(total.inputTokens).toEqual({ low: 100, high: 100 });
    expect(total.costUsd).toEqual({
      low: (100 * 2.5 + total.outputTokens.low * 10) / 1e6,
      high: (100 * 2.5 + total.outputTokens.high * 10) / 1e6,
    });
  });

  it('a model the catalog does not price costs 0 and says so', () => {
    const estimate = estimator.estimate(spec('ollama:llama3.2'));
    expect(estimate.total.costUsd).toEqual({ low: 0, high: 0 });
    expect(estimate.assumptions.at(-1)).toBe(
      'ollama:llama3.2 has no price in the catalog; its calls are counted at 0 USD.',
    );
  });
});

describe('AnalysisEstimateController', () => {
  const user: AuthUser = { id: 'user-1', email: 'ada@example.com' };

  it('estimates what the analyze validator accepts, for the caller', async () => {
    const validate = jest.fn().mockResolvedValue(spec('mock:alpha'));
    const controller = new AnalysisEstimateController({ validate } as unknown as AnalysisRequestValidator, estimator);
    const estimate = await controller.estimate({ prompt: 'q' }, user);
    expect(validate).toHaveBeenCalledWith({ prompt: 'q' }, 'user-1');
    expect(estimate).toMatchObject({ pattern: 'direct', calls: 1 });
  });

  it("refuses with the validator's error", async () => {
    const refusal = new ApiException(ApiErrorCode.ValidationFailed, 'prompt is required');
    const validate = jest.fn().mockRejectedValue(refusal);
    const controller = new AnalysisEstimateController({ validate } as unknown as AnalysisRequestValidator, estimator);
    await expect(controller.estimate({}, user)).rejects.toBe(refusal);
  });
});
