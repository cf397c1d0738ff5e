import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX } from '@ultra/contracts';

/** 32 random bytes: 256 bits, as base64url (43 characters) after `ultra_sk_`. */
const RANDOM_BYTES = 32;
/** Characters of the random part kept visible beside `ultra_sk_`, to tell keys apart in a list. */
const VISIBLE_RANDOM_CHARS = 8;
const KEY_PATTERN = /^ultra_sk_[A-Za-z0-9_-]{43}$/;

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: string;
}

/**
 * SHA-256, not a slow password hash: a key carries 256 random bits, so no guessing or precomputation can reverse
 * its hash, and a fast, deterministic hash lets every request find its key by one indexed lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): NewApiKey {
  const key = `${API_KEY_PREFIX}${randomBytes(RANDOM_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX.length + VISIBLE_RANDOM_CHARS), hash: hashApiKey(key) };
}

/** Whether a credential is meant as an API key (then it is judged as one, never as a JWT). */
export function isApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}

/** Whether a credential has the shape of a key this gateway makes; anything else is refused before a lookup. */
export function isWellFormedApiKey(credential: string): boolean {
  return KEY_PATTERN.test(credential);
}

/** Constant-time equality of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
