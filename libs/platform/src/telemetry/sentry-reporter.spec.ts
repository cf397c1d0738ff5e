import type { ErrorEvent } from '@sentry/node';
import { scrubEvent, scrubText } from './sentry-reporter';
import { exportsTraces, telemetryEnv } from '../config/telemetry.config';

describe('scrubText', () => {
  it.each([
    ['auth failed: Bearer eyJhbGciOi.eyJzdWIiOiIx.sig', 'Bearer [redacted]'],
    ['token eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abc-def in text', '[redacted jwt]'],
    ['key ultra_sk_abcdef0123456789 refused', '[redacted key]'],
    ['OpenAI said: incorrect key sk-proj-abcdefghijkl', '[redacted key]'],
    ['GET /v1/models?key=AIzaSyA-secret-value&x=1', 'key=[redacted]'],
    ['connect postgres://ultra:hunter2@db:5432/ultra', 'postgres://[redacted]@'],
  ])('removes the credential from %j', (text, kept) => {
    const scrubbed = scrubText(text);
    expect(scrubbed).toContain(kept);
    expect(scrubbed).not.toMatch(/hunter2|AIzaSy|sk-proj-abc|ultra_sk_abc|eyJzdWIi/);
  });

  it('leaves ordinary text alone', () => {
    expect(scrubText('relation "user_defaults" does not exist')).toBe('relation "user_defaults" does not exist');
  });
});

describe('scrubEvent', () => {
  it('drops request data, breadcrumbs, extra, user and frame context, and scrubs messages', () => {
    const event = {
      type: undefined,
      message: 'failed with Bearer abc.def.ghi',
      request: { headers: { authorization: 'Bearer x' }, data: '{"prompt":"secret"}' },
      breadcrumbs: [{ message: 'GET https://api.openai.com' }],
      extra: { body: 'prompt' },
      user: { email: 'a@example.com' },
      exception: {
        values: [
          {
            type: 'Error',
            value: 'sk-live-0123456789abcdef leaked',
            stacktrace: { frames: [{ filename: 'a.js', context_line: 'const key = "sk"', vars: { key: 'sk' } }] },
          },
        ],
      },
    } as unknown as ErrorEvent;
    const scrubbed = scrubEvent(event);
    expect(scrubbed.request).toBeUndefined();
    expect(scrubbed.breadcrumbs).toBeUndefined();
    expect(scrubbed.extra).toBeUndefined();
    expect(scrubbed.user).toBeUndefined();
    expect(scrubbed.message).toBe('failed with Bearer [redacted]');
    const [value] = scrubbed.exception?.values ?? [];
    expect(value.value).toBe('[redacted key] leaked');
    expect(value.stacktrace?.frames?.[0]).toEqual({ filename: 'a.js' });
  });
});

describe('exportsTraces', () => {
  const config = (env: Record<string, string>) => telemetryEnv.parse(env);

  it('exports only with an endpoint or an exporter other than none', () => {
    expect(exportsTraces(config({}))).toBe(false);
    expect(exportsTraces(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe(true);
    expect(exportsTraces(config({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }))).toBe(true);
    expect(exportsTraces(config({ OTEL_TRACES_EXPORTER: 'console' }))).toBe(true);
    expect(exportsTraces(config({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }))).toBe(
      false,
    );
  });
});
