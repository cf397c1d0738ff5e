import { type AggregatorName, assertNever } from '@ultra/contracts';
import { agreement, type AgreementResult, renderAgreement } from './agreement.aggregator';
import type { AggregatorInput, LabelOf } from './ballots';
import { borda, type BordaResult, renderBorda } from './borda.aggregator';
import { majority, type MajorityResult, renderMajority } from './majority.aggregator';

export type { AggregatorInput, Ballot, LabelOf, Unparsed } from './ballots';
export type { AgreementLevel, AgreementPoint, AgreementResult, Confidence } from './agreement.aggregator';
export type { BordaEntry, BordaResult } from './borda.aggregator';
export type { MajorityResult } from './majority.aggregator';
export { labelResolver } from './ballots';
export { similarity } from './similarity';

/**
 * The aggregate stages' named pure functions. A pattern names one (`use: borda`); the orchestrator builds the
 * ballots from the `from` stage's outputs, runs it here and stores the result as the aggregate run's JSON.
 */
export function runAggregator(name: AggregatorName, input: AggregatorInput): Record<string, unknown> {
  switch (name) {
    case 'borda':
      return borda(input);
    case 'majority':
      return majority(input);
    case 'agreement':
      return agreement(input);
    default:
      return assertNever(name);
  }
}

/**
 * An aggregate's result as readable text, for the `{{aggregate.<id>}}` template variable. Models appear only
 * through `labelOf` (the reading model's "Response B"), so a prompt never reveals which model said what.
 */
export function renderAggregate(name: AggregatorName, result: Record<string, unknown>, labelOf: LabelOf): string {
  // The result is what runAggregator returned for this name (stored as JSON and read back), hence the casts.
  switch (name) {
    case 'borda':
      return renderBorda(result as BordaResult, labelOf);
    case 'majority':
      return renderMajority(result as MajorityResult, labelOf);
    case 'agreement':
      return renderAgreement(result as AgreementResult, labelOf);
    default:
      return assertNever(name);
  }
}
