import { Writable } from 'node:stream';
import { pino } from 'pino';
import { z } from 'zod';
import { loadConfig, logEnv } from '../config/config';
import { redactionOf, requestSerializer, withoutSecretQuery } from './log-hygiene';

/** One log line through a real pino logger with the services' redaction, parsed back. */
function logged(logPrompts: boolean, bindings: Record<string, unknown>): Record<string, unknown> {
  let line = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      line += chunk.toString();
      done();
    },
  });
  pino({ redact: redactionOf({ LOG_PROMPTS: logPrompts }) }, sink).info(bindings, 'line');
  return JSON.parse(line) as Record<string, unknown>;
}

describe('log hygiene', () => {
  it('replaces secrets at any depth the services log them, headers included', () => {
    const line = logged(true, {
      password: 'p1',
      body: { refreshToken: 'r1', nested: { apiKey: 'k1' } },
      req: { headers: { authorization: 'Bearer a1', 'x-api-key': 'ultra_sk_1', cookie: 'c1', accept: '*/*' } },
      config: { JWT_SECRET: 'j1', KEY_ENCRYPTION_KEYS: 'k1:x' },
    });
    expect(JSON.stringify(line)).not.toMatch(/p1|r1|k1|a1|ultra_sk_1|c1|j1|k1:x/);
    expect(line.req).toEqual({
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]', accept: '*/*' },
    });
  });

  it('leaves prompts and answers out unless LOG_PROMPTS is on', () => {
    const bindings = { model: 'mock:alpha', prompt: [{ role: 'user', content: 'hi' }], answer: 'hello' };
    expect(logged(false, { ...bindings, job: { data: { messages: ['m'] } } })).toMatchObject({ model: 'mock:alpha' });
    expect(logged(false, bindings)).not.toHaveProperty('prompt');
    expect(logged(false, bindings)).not.toHaveProperty('answer');
    expect(logged(true, bindings)).toMatchObject(bindings);
  });

  it('strips tokens from request URLs and keeps the rest', () => {
    expect(withoutSecretQuery('/api/analyses/1/events?token=abc.def&lastEventId=3')).toBe(
      '/api/analyses/1/events?token=[redacted]&lastEventId=3',
    );
    expect(withoutSecretQuery('/x?api_key=1&key=2')).toBe('/x?api_key=[redacted]&key=[redacted]');
    expect(withoutSecretQuery('/api/analyses?tokenish=1')).toBe('/api/analyses?tokenish=1');
    const req = requestSerializer({
      id: '1',
      method: 'GET',
      url: '/e?token=t',
      query: {},
      params: {},
      headers: {},
    } as never);
    expect(req.url).toBe('/e?token=[redacted]');
  });

  it('reads LOG_PROMPTS as an opt-in switch', () => {
    const schema = z.object(logEnv);
    expect(loadConfig('t', schema, {}).LOG_PROMPTS).toBe(false);
    expect(loadConfig('t', schema, { LOG_PROMPTS: '1' }).LOG_PROMPTS).toBe(true);
    expect(loadConfig('t', schema, { LOG_PROMPTS: 'false' }).LOG_PROMPTS).toBe(false);
    expect(() => loadConfig('t', schema, { LOG_PROMPTS: 'maybe' })).toThrow(/LOG_PROMPTS/);
  });
});
