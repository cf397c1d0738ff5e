import { createHmac } from 'node:crypto';

/** Hex HMAC-SHA256 of `<t>.<body>` keyed with the secret: what `v1` carries. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `ultra-signature` header: `t=<unix seconds>,v1=<hex>`. The timestamp is signed with the body, so a receiver
 * that refuses old timestamps also refuses a replayed delivery.
 */
export function signatureHeader(secret: string, body: string, now: Date): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}
