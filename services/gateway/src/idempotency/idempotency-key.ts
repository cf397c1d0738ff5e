import { createHash } from 'node:crypto';
import { ValidationFailedException } from '../common/api-exception';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer that is the stored answer of an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

const PRINTABLE = /^[\x20-\x7E]{1,255}$/;

/** The request's Idempotency-Key, or undefined without one; 400 unless it is 1–255 printable ASCII characters. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (PRINTABLE.test(value)) return value;
  const message = 'Idempotency-Key must be 1 to 255 printable ASCII characters';
  throw new ValidationFailedException(message, [{ path: 'headers.Idempotency-Key', message }]);
}

/** JSON with object keys sorted, so two bodies that differ only in key order count as the same request. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * What "the same request" means for a key: the same path (a rerun's source id is in it) and the same body,
 * whatever its key order or spacing.
 */
export function fingerprintOf(path: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([path, canonical(body ?? null)]))
    .digest('base64url');
}

/** Keys are hashed so that any printable key makes a short, safe Redis key. */
export function hashedKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
