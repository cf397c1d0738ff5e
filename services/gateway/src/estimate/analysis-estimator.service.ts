import { Injectable } from '@nestjs/common';
import type { AnalysisEstimate, AnalysisSpec } from '@ultra/contracts';
import { CatalogService } from '../catalog/catalog.service';
import { estimateAnalysis } from './analysis-estimator';

/** Estimates a validated analysis at the catalog's prices. */
@Injectable()
export class AnalysisEstimator {
  constructor(private readonly catalog: CatalogService) {}

  estimate(spec: AnalysisSpec): AnalysisEstimate {
    return estimateAnalysis(spec, (model) => this.catalog.priceOf(model));
  }
}
