import { randomBytes } from 'node:crypto';
import { KeyCipher, keyEncryptionEnv, parseKeyEncryptionKeys, providerKeyAad } from './key-encryption';
import { z } from 'zod';

const key = (kid: string) => `${kid}:${randomBytes(32).toString('base64')}`;

describe('KeyCipher', () => {
  const [k2, k1] = [key('k2'), key('k1')];
  const aad = providerKeyAad('user-1', 'openai');

  it('seals with the first key and opens with whichever sealed', () => {
    const old = new KeyCipher(parseKeyEncryptionKeys(k1));
    const sealed = old.seal('sk-secret', aad);
    expect(sealed.kid).toBe('k1');
    expect(sealed.ciphertext.toString('latin1')).not.toContain('sk-secret');
    const both = new KeyCipher(parseKeyEncryptionKeys(`${k2},${k1}`));
    expect(both.open(sealed, aad)).toBe('sk-secret');
    expect(both.seal('sk-secret', aad).kid).toBe('k2');
  });

  it('refuses a ciphertext moved to another user or provider, or changed', () => {
    const cipher = new KeyCipher(parseKeyEncryptionKeys(k1));
    const sealed = cipher.seal('sk-secret', aad);
    expect(() => cipher.open(sealed, providerKeyAad('user-2', 'openai'))).toThrow();
    expect(() => cipher.open(sealed, providerKeyAad('user-1', 'mistral'))).toThrow();
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, ciphertext: flipped }, aad)).toThrow();
    expect(() => new KeyCipher(parseKeyEncryptionKeys(k2)).open(sealed, aad)).toThrow(
      /no key-encryption key with id k1/,
    );
  });

  it.each([
    ['a key without an id', randomBytes(32).toString('base64')],
    ['a short key', `k1:${randomBytes(16).toString('base64')}`],
    ['an id twice', `${k1},${k1}`],
  ])('rejects %s in KEY_ENCRYPTION_KEYS', (_, value) => {
    expect(z.object(keyEncryptionEnv).safeParse({ KEY_ENCRYPTION_KEYS: value }).success).toBe(false);
  });

  it('leaves KEY_ENCRYPTION_KEYS unset when absent', () => {
    expect(z.object(keyEncryptionEnv).parse({}).KEY_ENCRYPTION_KEYS).toBeUndefined();
  });
});
