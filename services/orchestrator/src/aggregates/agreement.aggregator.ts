import { type AggregatorInput, type LabelOf, labelList, readField, type Unparsed, withUnparsed } from './ballots';
import { similarity } from './similarity';

export type Confidence = 'high' | 'medium' | 'low';
export type AgreementLevel = 'very_high' | 'high' | 'medium' | 'low';

export type AgreementPoint = {
  /** The claim as the first model to make it worded it. */
  claim: string;
  /** The models that made this point, in ballot order. */
  models: string[];
  confidence: Record<string, Confidence>;
  level: AgreementLevel;
};

export type AgreementResult = {
  /** Strongest agreement first. */
  points: AgreementPoint[];
  /** How many reviews could be read: "all models" in a level means all of these. */
  reviewers: number;
  unparsed: Unparsed[];
};

/** Claims at least this similar (word-set Jaccard) make the same point. */
export const SAME_POINT_SIMILARITY = 0.5;

const RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const LEVEL_ORDER: AgreementLevel[] = ['very_high', 'high', 'medium', 'low'];

type Claim = { claim: string; confidence: Confidence };

const isList = (value: unknown): value is unknown[] => Array.isArray(value);

/** The usable claims of a review; a confidence the worker did not normalise counts as medium. */
function claimsOf(items: unknown[]): Claim[] {
  return items.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const { claim, confidence } = item as Record<string, unknown>;
    if (typeof claim !== 'string' || claim.trim() === '') return [];
    const level = typeof confidence === 'string' ? confidence.trim().toLowerCase() : '';
    return [{ claim: claim.trim(), confidence: level in RANK ? (level as Confidence) : 'medium' }];
  });
}

/**
 * Key points across the models' structured reviews. Claims join the point whose wording they are most similar
 * to (at least SAME_POINT_SIMILARITY to one of its claims), else start a new one; a model repeating itself
 * within one point counts once, at its highest confidence. Level: very_high when every reviewer makes the point
 * with high confidence, high when every reviewer makes it, medium when several do, low when one does — a lone
 * reviewer's points are low, since one model cannot agree with itself.
 */
export function agreement(input: AggregatorInput): AgreementResult {
  const unparsed: Unparsed[] = [];
  const points: { claims: string[]; confidence: Map<string, Confidence> }[] = [];
  let reviewers = 0;
  for (const ballot of input.ballots) {
    const read = readField(ballot, 'claims', isList);
    const claims = read.ok ? claimsOf(read.value) : [];
    if (claims.length === 0) {
      unparsed.push(read.ok ? { model: ballot.voter, reason: 'its review states no claim' } : read.unparsed);
      continue;
    }
    reviewers++;
    for (const { claim, confidence } of claims) {
      let best: (typeof points)[number] | undefined;
      let bestScore = 0;
      for (const point of points) {
        const score = Math.max(...point.claims.map((other) => similarity(claim, other)));
        if (score >= SAME_POINT_SIMILARITY && score > bestScore) [best, bestScore] = [point, score];
      }
      const point = best ?? { claims: [], confidence: new Map<string, Confidence>() };
      if (!best) points.push(point);
      point.claims.push(claim);
      const before = point.confidence.get(ballot.voter);
      if (!before || RANK[confidence] > RANK[before]) point.confidence.set(ballot.voter, confidence);
    }
  }
  const result = points.map((point, order) => {
    const models = [...point.confidence.keys()];
    return {
      order,
      point: {
        claim: point.claims[0],
        models,
        confidence: Object.fromEntries(point.confidence),
        level: levelOf(models.length, reviewers, [...point.confidence.values()]),
      },
    };
  });
  result.sort(
    (a, b) =>
      LEVEL_ORDER.indexOf(a.point.level) - LEVEL_ORDER.indexOf(b.point.level) ||
      b.point.models.length - a.point.models.length ||
      a.order - b.order,
  );
  return { points: result.map(({ point }) => point), reviewers, unparsed };
}

function levelOf(supporters: number, reviewers: number, confidences: Confidence[]): AgreementLevel {
  if (supporters < 2) return 'low';
  if (supporters < reviewers) return 'medium';
  return confidences.every((c) => c === 'high') ? 'very_high' : 'high';
}

const LEVEL_TEXT: Record<AgreementLevel, string> = {
  very_high: 'very high',
  high: 'high',
  medium: 'medium',
  low: 'low',
};

/** The points as a list for a later prompt, each with its level and who made it (by label). */
export function renderAgreement(result: AgreementResult, labelOf: LabelOf): string {
  if (result.points.length === 0) return 'No review could be read, so there are no points of agreement.';
  const lines = result.points.map(
    (p) => `- [${LEVEL_TEXT[p.level]} agreement] ${p.claim} (${labelList(p.models, labelOf)})`,
  );
  const notes = [`Points across ${result.reviewers} reviews, strongest agreement first:`, ...lines];
  return withUnparsed(notes, 'Reviews that could not be read', result.unparsed, labelOf);
}
