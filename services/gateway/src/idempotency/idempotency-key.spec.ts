import { ApiException } from '../common/api-exception';
import { fingerprintOf, idempotencyKeyOf } from './idempotency-key';

describe('idempotencyKeyOf', () => {
  it.each([['a'], ['order-42'], ['x'.repeat(255)], ['with spaces and ~!@#$%^&*()']])('accepts %j', (key) => {
    expect(idempotencyKeyOf(key)).toBe(key);
  });

  it('is undefined without the header', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
  });

  it.each([
    ['an empty key', ''],
    ['a key over 255 characters', 'x'.repeat(256)],
    ['a control character', 'a\tb'],
    ['a non-ASCII character', 'clé'],
  ])('refuses %s with validation_failed naming the header', (_case, key) => {
    let caught: unknown;
    try {
      idempotencyKeyOf(key);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiException);
    expect(caught).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'headers.Idempotency-Key', message: expect.stringContaining('1 to 255 printable') }],
    });
  });
});

describe('fingerprintOf', () => {
  it('is the same for the same body whatever the key order', () => {
    expect(fingerprintOf('/api/analyze', { a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      fingerprintOf('/api/analyze', { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
  });

  it('differs for another body or another path', () => {
    const base = fingerprintOf('/api/analyze', { prompt: 'a' });
    expect(fingerprintOf('/api/analyze', { prompt: 'b' })).not.toBe(base);
    expect(fingerprintOf('/api/analyses/1/rerun', { prompt: 'a' })).not.toBe(base);
    expect(fingerprintOf('/api/analyze', [1, 2])).not.toBe(fingerprintOf('/api/analyze', [2, 1]));
  });
});
