import {
  FakeAnthropicServer,
  FakeGeminiServer,
  FakeMistralServer,
  FakeOpenAiServer,
  type FakeReply,
  type FakeVendorServer,
  FaultInjector,
  type FaultOptions,
} from '@ultra/fake-llm';

/** One model per vendor, so every vendor's wire format (and its way of failing) is exercised. */
export const VENDOR_MODELS = [
  'openai:gpt-4o-mini',
  'anthropic:claude-haiku-4-5',
  'google:gemini-3.5-flash-lite',
  'mistral:mistral-small-latest',
] as const;

/** The three models of the n-th analysis: each leaves out one vendor in turn, so all four share the load. */
export function modelsFor(n: number): string[] {
  return VENDOR_MODELS.filter((_, i) => i !== n % VENDOR_MODELS.length);
}

/**
 * The four vendor fakes the provider SDKs talk to, every call answering after `latencyMs` (so analyses stay in
 * flight long enough to be hit), and a fault injector that is off (rate 0) until a scenario turns it on.
 */
export class ChaosVendors {
  readonly fakes: FakeVendorServer[] = [
    new FakeOpenAiServer(),
    new FakeAnthropicServer(),
    new FakeGeminiServer(),
    new FakeMistralServer(),
  ];
  readonly faults: FaultInjector;
  /** Requests received per vendor (the fakes keep only the last 1,000 requests themselves). */
  readonly requests: Record<string, number> = {};

  private constructor(faults: Omit<FaultOptions, 'success'>, success: FakeReply) {
    this.faults = new FaultInjector({ ...faults, success });
    for (const fake of this.fakes) {
      const rule = this.faults.rule(fake.vendor);
      fake.reply((request) => {
        this.requests[fake.vendor] = (this.requests[fake.vendor] ?? 0) + 1;
        return rule(request);
      });
    }
  }

  static async start(
    faults: Omit<FaultOptions, 'success'> = { rate: 0 },
    success: FakeReply = { latencyMs: 300, chunkDelayMs: 20 },
  ): Promise<ChaosVendors> {
    const vendors = new ChaosVendors(faults, success);
    await Promise.all(vendors.fakes.map((fake) => fake.listen(0)));
    return vendors;
  }

  get totalRequests(): number {
    return Object.values(this.requests).reduce((a, b) => a + b, 0);
  }

  /** What every service needs to reach the fakes through the real SDKs. */
  env(): Record<string, string> {
    const [openai, anthropic, gemini, mistral] = this.fakes;
    return {
      OPENAI_API_KEY: 'sk-chaos-openai',
      OPENAI_BASE_URL: `${openai.url}/v1`,
      ANTHROPIC_API_KEY: 'sk-chaos-anthropic',
      ANTHROPIC_BASE_URL: anthropic.url,
      GOOGLE_API_KEY: 'chaos-google',
      GOOGLE_BASE_URL: gemini.url,
      MISTRAL_API_KEY: 'chaos-mistral',
      MISTRAL_BASE_URL: mistral.url,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.fakes.map((fake) => fake.close()));
  }
}
