import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { OtlpReceiver } from '../../../../test/support/otlp-receiver';

const run = promisify(execFile);
const dist = resolve(__dirname, '../../dist/telemetry');

/** A process that starts telemetry as a service does, makes one span, flushes and prints what the span was. */
const PROBE = `
const { startTelemetry, flushTelemetry } = require(${JSON.stringify(`${dist}/index.js`)});
startTelemetry('probe');
const { trace } = require('@opentelemetry/api');
const { activeTraceIds } = require(${JSON.stringify(`${dist}/trace-context.js`)});
trace.getTracer('probe').startActiveSpan('probe span', (span) => {
  const seen = { recording: span.isRecording(), ids: activeTraceIds() ?? null };
  span.end();
  flushTelemetry(3000).then(() => console.log(JSON.stringify(seen)));
});
`;

interface Seen {
  recording: boolean;
  ids: { traceId: string; spanId: string } | null;
}

async function probe(env: Record<string, string>): Promise<Seen> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|SENTRY_)/.test(k)));
  const { stdout } = await run(process.execPath, ['-e', PROBE], { env: { ...clean, ...env }, timeout: 20_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Seen;
}

describe('telemetry start-up', () => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });

  afterAll(async () => {
    await receiver.close();
  });

  it('exports spans to the configured OTLP endpoint', async () => {
    const seen = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(seen.recording).toBe(true);
    const span = receiver.spans.find((s) => s.traceId === seen.ids?.traceId);
    expect(span).toMatchObject({ name: 'probe span', service: 'ultra-probe' });
  });

  it('honours OTEL_SERVICE_NAME', async () => {
    const seen = await probe({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'named-by-operator',
    });
    expect(receiver.spans.find((s) => s.traceId === seen.ids?.traceId)?.service).toBe('named-by-operator');
  });

  it('records and exports nothing without an endpoint, yet still gives every span a trace id', async () => {
    const before = receiver.spans.length;
    const settings: Record<string, string>[] = [
      {},
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    ];
    for (const env of settings) {
      const seen = await probe(env);
      expect(seen.recording).toBe(false);
      expect(seen.ids?.traceId).toMatch(/^[\da-f]{32}$/);
      expect(seen.ids?.traceId).not.toBe('0'.repeat(32));
    }
    expect(receiver.spans.length).toBe(before);
  });

  it('does nothing at all with OTEL_SDK_DISABLED', async () => {
    const seen = await probe({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(seen).toEqual({ recording: false, ids: null });
  });

  it('refuses a bad setting with the configuration exit code and a readable message', async () => {
    const failed = await probe({ SENTRY_DSN: 'not a url' }).catch((error: { code?: number; stderr?: string }) => error);
    expect(failed).toMatchObject({ code: 78 });
    expect((failed as { stderr?: string }).stderr).toContain('SENTRY_DSN');
  });
});
