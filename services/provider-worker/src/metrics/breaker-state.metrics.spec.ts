import { breakerKey } from '@ultra/contracts';
import { breakerKeyBase, breakerOfKey, breakerValue } from './breaker-state.metrics';

describe('ultra_breaker_state from a breaker hash', () => {
  const now = 1_000_000;

  it.each([
    ['closed', 'closed', null, 0],
    ['open, cooling down', 'open', String(now + 1), 2],
    ['open, its cool-down passed (the hash is only rewritten by a call)', 'open', String(now), 1],
    ['open without reopenAt', 'open', null, 1],
    ['half-open', 'half_open', null, 1],
    ['no state (a provider’s failing-models hash, or a deleted breaker)', null, null, undefined],
    ['an unknown state', 'ajar', null, undefined],
  ])('%s', (_, state, reopenAt, expected) => {
    expect(breakerValue(state, reopenAt, now)).toBe(expected);
  });

  it('reads the scope and id back from contracts’ breakerKey, ids with colons included', () => {
    const base = breakerKeyBase('ultra');
    expect(breakerOfKey(base, breakerKey('ultra', 'provider', 'openai'))).toEqual({ scope: 'provider', id: 'openai' });
    expect(breakerOfKey(base, breakerKey('ultra', 'model', 'ollama:llama3:8b'))).toEqual({
      scope: 'model',
      id: 'ollama:llama3:8b',
    });
  });

  it.each([
    ['a provider’s failing-models hash', 'ultra:breaker:provider:openai:failing-models'],
    ['another scope', 'ultra:breaker:user:u1'],
    ['no id', 'ultra:breaker:model:'],
    ['no scope', 'ultra:breaker:openai'],
    ['another installation', 'other:breaker:provider:openai'],
  ])('is not a breaker: %s', (_, key) => {
    expect(breakerOfKey(breakerKeyBase('ultra'), key)).toBeUndefined();
  });
});
