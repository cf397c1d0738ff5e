/** Each mock model has its own voice so that outputs differ and the review stages have something to compare. */
export interface MockVoice {
  opening: string;
  angle: string;
  points: string[];
  closing: string;
}

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
  },
};

export const neutralVoice: MockVoice = {
  opening: 'Answer',
  angle: 'a balanced summary of the main considerations',
  points: ['the main consideration', 'a secondary consideration', 'a risk to keep in mind', 'a next step'],
  closing: 'Confidence: medium.',
};
