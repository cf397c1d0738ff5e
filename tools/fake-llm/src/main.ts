// `npm run fake-llm`: all four vendor fakes on fixed ports, for offline development and benchmarks. Point Ultra at
// them with the base URLs printed below; every request is answered with a plausible streamed or plain reply.
import { FakeAnthropicServer } from './anthropic.fake';
import type { FakeVendorServer } from './fake-server';
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
