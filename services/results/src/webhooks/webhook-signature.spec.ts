import { createHmac } from 'node:crypto';
import { signatureHeader, signatureOf } from './webhook-signature';

describe('webhook signature', () => {
  const body = '{"id":"a","status":"completed"}';
  const at = new Date('2025-01-02T03:04:05.678Z');

  it('signs "<t>.<body>" with HMAC-SHA256 and carries the unix seconds it signed', () => {
    const header = signatureHeader('whsec_test', body, at);
    const expected = createHmac('sha256', 'whsec_test').update(`1735787045.${body}`).digest('hex');
    expect(header).toBe(`t=1735787045,v1=${expected}`);
  });

  it('changes with the secret, the timestamp and the body', () => {
    const base = signatureOf('whsec_a', 1, body);
    expect(signatureOf('whsec_b', 1, body)).not.toBe(base);
    expect(signatureOf('whsec_a', 2, body)).not.toBe(base);
    expect(signatureOf('whsec_a', 1, `${body} `)).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
