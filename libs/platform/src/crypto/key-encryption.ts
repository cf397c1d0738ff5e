import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** One key-encryption key: its id (stored with every ciphertext) and its 32 bytes. */
export interface KeyEncryptionKey {
  kid: string;
  key: Buffer;
}

/** A secret as stored: which KEK sealed it, the GCM nonce, the ciphertext and the authentication tag. */
export interface SealedSecret {
  kid: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;

/**
 * `KEY_ENCRYPTION_KEYS`: `kid:base64key,…`, the first the current one (new secrets and rotation use it), the
 * others kept only to open what they sealed. Each key is 32 bytes (AES-256); ids are unique.
 */
export function parseKeyEncryptionKeys(value: string): KeyEncryptionKey[] {
  const keys = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      const kid = entry.slice(0, at);
      if (at < 1 || !KID.test(kid)) throw new Error(`"${kid || entry.slice(0, 8)}…" needs an id: kid:base64key`);
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      if (key.length !== KEY_BYTES) throw new Error(`key ${kid} is ${key.length} bytes, not ${KEY_BYTES}`);
      return { kid, key };
    });
  const kids = keys.map((k) => k.kid);
  const twice = kids.find((kid, i) => kids.indexOf(kid) !== i);
  if (twice) throw new Error(`key id ${twice} appears twice`);
  return keys;
}

/** The configuration fragment of the services that seal or open provider keys (gateway, provider-worker). */
export const keyEncryptionEnv = {
  KEY_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value?.trim()) return undefined;
      try {
        const keys = parseKeyEncryptionKeys(value);
        return keys.length ? keys : undefined;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `must be kid:base64key,… (${(error as Error).message})` });
        return z.NEVER;
      }
    }),
};

/** What binds a ciphertext to its row: moving it to another user or provider makes it fail to open. */
export function providerKeyAad(userId: string, provider: string): Buffer {
  return Buffer.from(`provider-key\u0000${userId}\u0000${provider}`, 'utf8');
}

/** AES-256-GCM under a list of KEKs: seals with the first, opens with whichever sealed. */
export class KeyCipher {
  private readonly byKid: ReadonlyMap<string, Buffer>;

  constructor(private readonly keys: readonly KeyEncryptionKey[]) {
    if (!keys.length) throw new Error('KeyCipher needs at least one key');
    this.byKid = new Map(keys.map((k) => [k.kid, k.key]));
  }

  get currentKid(): string {
    return this.keys[0].kid;
  }

  seal(plaintext: string, aad: Buffer): SealedSecret {
    const { kid, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { kid, iv, ciphertext, tag: cipher.getAuthTag() };
  }

  /** Throws when the KEK is unknown or the data (or its AAD) was changed. */
  open(sealed: SealedSecret, aad: Buffer): string {
    const key = this.byKid.get(sealed.kid);
    if (!key) throw new Error(`no key-encryption key with id ${sealed.kid} is configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }
}
