/** Each mock model has its own voice so that outputs differ and the review stages have something to compare. */
export interface MockVoice {
  opening: string;
  angle: string;
  /** Its own claims; they make the points only this voice makes. */
  points: string[];
  closing: string;
  /** How it restates a claim of the shared pool, so that agreement must match claims worded differently. */
  restate: (claim: string) => string;
  /** Wraps JSON in a ```json fence after a sentence, as chatty models do, to exercise lenient parsing. */
  fencesJson: boolean;
  /** How it writes a peer's label in rankings: "Response B" or just "B". */
  bareLabels: boolean;
}

const asIs = (claim: string) => claim;

/**
 * Claims every mock model may make about any question. Each structured review takes its shared claims from here
 * (which ones depends on the question only), so that different models overlap and agreement finds shared points.
 */
export const sharedClaims: readonly string[] = [
  'the answer depends on assumptions that should be stated up front',
  'the common case matters more than rare edge cases',
  'evidence from practice should outweigh theory here',
  'the trade-offs change as the scale grows',
  'a small reversible first step lowers the risk',
  'the main danger is acting on an unverified claim',
];

export const mockVoices: Record<string, MockVoice> = {
  alpha: {
    opening: 'Short answer',
    angle: 'the core facts first, then the one caveat that matters',
    points: [
      'state the assumption explicitly before relying on it',
      'the most common case covers most of the practical value',
      'measure before optimising anything',
      'prefer the simplest explanation consistent with the evidence',
    ],
    closing: 'Confidence: high on the main point, medium on the edge cases.',
    restate: asIs,
    fencesJson: false,
    bareLabels: false,
  },
  beta: {
    opening: 'Sceptical reading',
    angle: 'what could be wrong with the obvious answer and what evidence would settle it',
    points: [
      'the question hides an ambiguity that changes the answer',
      'a popular claim here is weakly supported',
      'the failure modes deserve as much attention as the happy path',
      'cost and risk shift once the scale grows',
    ],
    closing: 'Confidence: medium; I would check the primary sources before acting.',
    restate: (claim) => `on balance, ${claim}`,
    fencesJson: true,
    bareLabels: false,
  },
  gamma: {
    opening: 'A broader view',
    angle: 'analogies and alternatives that reframe the question',
    points: [
      'an adjacent field solved a similar problem differently',
      'the constraints can be relaxed to open better options',
      'the human side of the problem is easy to overlook',
      'combining two partial answers beats choosing one',
    ],
    closing: 'Confidence: medium; the framing matters more than any single detail.',
    restate: (claim) => `broadly, ${claim}`,
    fencesJson: false,
    bareLabels: false,
  },
  delta: {
    opening: 'In practice',
    angle: 'concrete steps, their order, and what to watch while doing them',
    points: [
      'start with a small reversible step and observe the result',
      'write down how success will be measured',
      'automate the part that will be repeated',
      'keep a fallback ready before switching over',
    ],
    closing: 'Confidence: high for the steps, lower for the time estimates.',
    restate: asIs,
    fencesJson: false,
    bareLabels: true,
  },
};

export const neutralVoice: MockVoice = {
  opening: 'Answer',
  angle: 'a balanced summary of the main considerations',
  points: ['the main consideration', 'a secondary consideration', 'a risk to keep in mind', 'a next step'],
  closing: 'Confidence: medium.',
  restate: asIs,
  fencesJson: false,
  bareLabels: false,
};
