import { isValidText, REPLACEMENT_CHARACTER } from '@ultra/contracts';
import type { FakeVendorServer } from '@ultra/fake-llm';
import { modelCall, startWorker, type WorkerHarness } from '../providers/testing/worker-test-kit';

/** What leaves the worker: valid text whatever the model sent, and one request per attempt at the vendor. */
describe('the provider-worker boundary, through the SDKs and the wire fakes', () => {
  let worker: WorkerHarness;

  beforeAll(async () => {
    worker = await startWorker(process.env, { RESPONSE_CACHE_TTL_S: '0' });
  });
  afterEach(() => worker.resetFakes());
  afterAll(() => worker?.stop());

  describe('text repair', () => {
    it('repairs the lone surrogate the mock leaves when it cuts a prompt of 100 × 😀, and counts it', async () => {
      const result = await worker.run(
        modelCall('mock:alpha', { messages: [{ role: 'user', content: '😀'.repeat(100) }] }),
      );
      expect(result.status).toBe('completed');
      expect(isValidText(result.text!)).toBe(true);
      expect(result.text).toContain(REPLACEMENT_CHARACTER);
      expect(result.repairedChars).toBe(1);
    });

    it('repairs lone surrogates and NULs in a vendor’s streamed text, and leaves valid text uncounted', async () => {
      worker.fakes.openai.replyOnce({ chunks: ['Half an emoji: \ud83d', ' and a NUL: \u0000.'] });
      const broken = await worker.run(modelCall('openai:gpt-4o-mini', { options: { stream: true } }));
      expect(broken).toMatchObject({
        status: 'completed',
        text: `Half an emoji: ${REPLACEMENT_CHARACTER} and a NUL: ${REPLACEMENT_CHARACTER}.`,
        repairedChars: 2,
      });
      worker.fakes.openai.replyOnce({ text: 'Fine 😀 text.' });
      const fine = await worker.run(modelCall('openai:gpt-4o-mini'));
      expect(fine.text).toBe('Fine 😀 text.');
      expect(fine).not.toHaveProperty('repairedChars');
    });

    it('repairs the parsed data of json output, where a JSON escape produced the lone surrogate', async () => {
      worker.fakes.anthropic.replyOnce({ text: '{"vote":"Response A","reason":"clear \\udc00 answer"}' });
      const result = await worker.run(
        modelCall('anthropic:claude-sonnet-4-6', {
          messages: [{ role: 'user', content: 'Which?\n\n### Response A\none\n\n### Response B\ntwo' }],
          options: { stream: false, output: { format: 'json', schema: 'vote' } },
        }),
      );
      expect(result).toMatchObject({ status: 'completed', dataError: null, repairedChars: 1 });
      expect(result.data).toEqual({ vote: 'Response A', reason: `clear ${REPLACEMENT_CHARACTER} answer` });
    });
  });

  describe('sampling parameters follow the catalog', () => {
    const temperatureSent = (w: WorkerHarness) =>
      (w.fakes.openai.requests.at(-1)?.body as { temperature?: number } | undefined)?.temperature;

    it('sends a stage temperature to a model that takes it, and none to one marked sampling: false', async () => {
      const withTemperature = { options: { stream: false, temperature: 0.7 } };
      expect(await worker.run(modelCall('openai:gpt-4o', withTemperature))).toMatchObject({ status: 'completed' });
      expect(temperatureSent(worker)).toBe(0.7);
      const refusing = await worker.run(modelCall('openai:gpt-6.2-sol', withTemperature));
      expect(refusing).toMatchObject({ status: 'completed' });
      expect(worker.fakes.openai.requests.at(-1)?.body).toMatchObject({ model: 'gpt-6.2-sol' });
      expect(temperatureSent(worker)).toBeUndefined();
    });
  });

  describe('SDK retries are off: BullMQ’s backoff is the one retry loop', () => {
    const vendors: [string, (w: WorkerHarness) => FakeVendorServer][] = [
      ['openai:gpt-4o', (w) => w.fakes.openai],
      ['anthropic:claude-haiku-4-5', (w) => w.fakes.anthropic],
      ['google:gemini-3.5-flash-lite', (w) => w.fakes.gemini],
      ['mistral:mistral-small-latest', (w) => w.fakes.mistral],
    ];

    it.each(vendors)('%s: a 500 reaches the fake exactly once per attempt', async (model, fakeOf) => {
      const fake = fakeOf(worker);
      fake.reply({ status: 500, errorMessage: 'scripted outage' });
      const result = await worker.run(modelCall(model), { attempts: 3, backoff: { type: 'provider', delay: 10 } });
      expect(result).toMatchObject({ status: 'failed', error: { category: 'provider_unavailable' } });
      expect(result.error!.message).toContain(model);
      expect(fake.requests).toHaveLength(3);
    });
  });
});
