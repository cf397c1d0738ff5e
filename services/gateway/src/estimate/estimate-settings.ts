import type { AggregatorName, ModelId, OutputSchemaName } from '@ultra/contracts';
import type { ModelPrice } from '../catalog/catalog.service';

/** The figures the estimate rests on; docs/estimates.md explains each. */

export interface Range {
  low: number;
  high: number;
}

export type { ModelPrice } from '../catalog/catalog.service';

/** A model's price, or undefined when the catalog has none (its calls then cost 0). */
export type PriceOf = (model: ModelId) => ModelPrice | undefined;

export interface EstimateSettings {
  /** Output tokens of one call, by the stage's declared output (`json` = json without a named shape). */
  outputTokens: Record<'text' | 'json' | OutputSchemaName, Range>;
  /** Heading and separator around each output shown in a prompt ("### Response B\n…\n\n"). */
  responseHeaderTokens: number;
  /** What a template shows when there is nothing to show ("(No other model answered.)"). */
  placeholderTokens: number;
  /** An aggregate's result rendered as text: `low` in all, `high` per model of the stage it aggregates. */
  aggregateTokens: { low: number; highPerModel: Record<AggregatorName, number> };
  /** Seconds from sending a call to its first token: `low` for the fast case, `high` for the slow one. */
  firstTokenS: Range;
  /** Streaming speed in tokens per second: `fast` with the low figures, `slow` with the high ones. */
  tokensPerS: { fast: number; slow: number };
}

export const DEFAULT_ESTIMATE_SETTINGS: EstimateSettings = {
  outputTokens: {
    text: { low: 50, high: 1_500 },
    json: { low: 5, high: 1_000 },
    ranking: { low: 5, high: 400 },
    vote: { low: 5, high: 300 },
    review: { low: 30, high: 1_200 },
    verdicts: { low: 50, high: 1_500 },
    confidence: { low: 20, high: 1_500 },
  },
  responseHeaderTokens: 5,
  placeholderTokens: 8,
  aggregateTokens: { low: 15, highPerModel: { borda: 40, majority: 30, agreement: 400 } },
  firstTokenS: { low: 0.5, high: 1.5 },
  tokensPerS: { fast: 100, slow: 40 },
};
