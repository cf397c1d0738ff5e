/** The ten four-stage patterns of the seed (initial → meta → hyper → ultra). */
export const SEED_PATTERNS = [
  'gut',
  'confidence',
  'critique',
  'fact_check',
  'perspective',
  'scenario',
  'stakeholder',
  'systems',
  'time',
  'innovation',
];
/** The built-ins beyond the seed. */
export const OTHER_BUILTIN_PATTERNS = ['council', 'moa', 'debate', 'self_moa', 'vote', 'cascade', 'direct'];
