import { callsOf, checkParams, checkPattern } from './pattern-rules';
import { patternSpecSchema } from './pattern-spec';

const limits = { maxCalls: 64, maxModels: 8 };
const stage = (id: string, user: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: id,
  kind: 'generate',
  participants: 'all',
  prompt: { user },
  ...extra,
});
const doc = (stages: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'p',
  name: 'P',
  description: 'd',
  stages,
  ...extra,
});
const problemsOf = (document: unknown) => {
  const checked = checkPattern(document, limits);
  return checked.ok ? [] : checked.problems;
};

describe('checkPattern', () => {
  it('accepts a valid pattern and fills in defaults', () => {
    const checked = checkPattern(doc([stage('a', '{{question}}'), stage('b', '{{others.a}} {{own.prev}}')]), limits);
    expect(checked).toMatchObject({ ok: true, spec: { params: {} } });
  });

  it.each([
    [
      'an unknown variable',
      [stage('a', '{{questoin}}')],
      'stages.0.prompt.user',
      'unknown template variable {{questoin}}',
    ],
    [
      'a later stage',
      [stage('a', '{{all.b}}'), stage('b', '{{question}}')],
      'stages.0.prompt.user',
      'does not come before',
    ],
    ['a missing stage', [stage('a', '{{own.zz}}')], 'stages.0.prompt.user', 'stage "zz" does not exist'],
    [
      'prev with nothing before',
      [stage('a', '{{all.prev}}')],
      'stages.0.prompt.user',
      'no generate stage comes before',
    ],
    [
      'an undeclared parameter',
      [stage('a', '{{question}}', { repeat: { times: '$rounds' } })],
      'stages.0.repeat.times',
      'not declared',
    ],
    [
      'a borda over free text',
      [stage('a', 'x'), { id: 't', label: 't', kind: 'aggregate', use: 'borda', from: 'a' }],
      'stages.1.from',
      'schema: ranking',
    ],
    ['a duplicate stage id', [stage('a', 'x'), stage('a', 'y')], 'stages.1.id', 'used twice'],
    ['a prompt over the size limit', [stage('a', 'x'.repeat(20_001))], 'stages.0.prompt.user', ''],
    ['too many variables', [stage('a', '{{question}}'.repeat(25))], 'stages.0.prompt.user', 'at most 24 variables'],
  ])('names %s', (_, stages, path, message) => {
    expect(problemsOf(doc(stages))).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('refuses a pattern over the call budget at its largest parameters, and counts calls', () => {
    const params = { rounds: { type: 'integer', default: 2, min: 1, max: 9 } };
    const debate = doc([stage('a', '{{question}}'), stage('b', '{{all.prev}}', { repeat: { times: '$rounds' } })], {
      params,
    });
    expect(problemsOf(debate)).toContainEqual({
      path: 'stages',
      message: expect.stringContaining('makes 80 model calls'),
    });
    expect(callsOf(patternSpecSchema.parse(debate), { rounds: 2 }, 3)).toBe(9);
  });

  it('checks the caller’s parameters against their declarations', () => {
    const spec = patternSpecSchema.parse(
      doc([stage('a', 'x')], { params: { n: { type: 'integer', default: 2, min: 1, max: 4 } } }),
    );
    expect(checkParams(spec, { n: 3 })).toEqual([]);
    expect(checkParams(spec, { n: 5 })).toEqual([{ path: 'params.n', message: 'n must be between 1 and 4 (got 5)' }]);
    expect(checkParams(spec, { n: 1.5 })[0].message).toContain('integer');
    expect(checkParams(spec, { m: 1 })[0]).toMatchObject({
      path: 'params.m',
      message: expect.stringContaining('has no parameter "m"; it has n'),
    });
  });
});
