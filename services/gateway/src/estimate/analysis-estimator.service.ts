import { Inject, Injectable } from '@nestjs/common';
import type { AnalysisEstimate, AnalysisSpec } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { estimateAnalysis, type ModelPrice } from './analysis-estimator';
import { catalogPrices } from './catalog-prices';

/** Estimates a validated analysis at the catalog's prices (read once at boot). */
@Injectable()
export class AnalysisEstimator {
  private readonly prices: ReadonlyMap<string, ModelPrice>;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.prices = catalogPrices(config);
  }

  estimate(spec: AnalysisSpec): AnalysisEstimate {
    return estimateAnalysis(spec, (model) => this.prices.get(model));
  }
}
