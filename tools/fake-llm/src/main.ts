// `npm run fake-llm [port]`: all four vendor fakes on fixed ports, for offline development and benchmarks. Point
// Ultra at them with the base URLs printed below; every request gets a plausible streamed or plain reply, shaped by
// FAKE_LATENCY_MS (before answering), FAKE_CHUNK_DELAY_MS (between streamed chunks) and FAKE_ERROR_RATE (0–1, a 503).
// FAKE_FAULT_RATE (0–1) fails that fraction of calls with every kind of fault instead (see faults.ts).
import { FakeAnthropicServer } from './anthropic.fake';
import type { FakeVendorServer } from './fake-server';
import { FaultInjector } from './faults';
import { FakeGeminiServer } from './gemini.fake';
import { FakeMistralServer } from './mistral.fake';
import { FakeOpenAiServer } from './openai.fake';

const BASE_PORT = Number(process.argv[2] ?? 4010);

async function main(): Promise<void> {
  const fakes: [string, FakeVendorServer, string][] = [
    ['OPENAI_BASE_URL', new FakeOpenAiServer(), '/v1'],
    ['ANTHROPIC_BASE_URL', new FakeAnthropicServer(), ''],
    ['GOOGLE_BASE_URL', new FakeGeminiServer(), ''],
    ['MISTRAL_BASE_URL', new FakeMistralServer(), ''],
  ];
  const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? 0);
  const chunkDelayMs = Number(process.env.FAKE_CHUNK_DELAY_MS ?? 0);
  const errorRate = Number(process.env.FAKE_ERROR_RATE ?? 0);
  const faultRate = Number(process.env.FAKE_FAULT_RATE ?? 0);
  const faults = new FaultInjector({ rate: faultRate, success: { latencyMs, chunkDelayMs } });
  for (const [, fake] of fakes) {
    if (faultRate > 0) fake.reply(faults.rule(fake.vendor));
    fake.reply(() =>
      Math.random() < errorRate
        ? { status: 503, errorMessage: 'simulated outage (FAKE_ERROR_RATE)' }
        : { latencyMs, chunkDelayMs, text: `${fake.vendor} fake answer: the quick brown fox jumps over the lazy dog.` },
    );
  }
  await Promise.all(fakes.map(([, fake], i) => fake.listen(BASE_PORT + i)));
  process.stdout.write('fake LLM servers listening; use any non-empty API keys with:\n');
  for (const [variable, fake, suffix] of fakes) process.stdout.write(`  ${variable}=${fake.url}${suffix}\n`);
  const stop = () => void Promise.all(fakes.map(([, fake]) => fake.close())).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake-llm: ${String(error)}\n`);
  process.exit(1);
});
