import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { CompatAnswer } from './compat-request';
import type { CompatEvent } from './compat-stream.translator';
import type { ResponsesEcho } from './responses.mapper';
import { collectSections, responseObjectOf, responseShellOf } from './responses-object';
import { ResponsesStreamWriter } from './responses.stream';

const ANALYSIS_ID = '0f8e2a6c-1111-4222-8333-944445555666';
const echo: ResponsesEcho = {
  instructions: null,
  max_output_tokens: null,
  temperature: null,
  top_p: null,
  tools: [],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  metadata: {},
  reasoning: { effort: null, summary: null },
  text: { format: { type: 'text' } },
  truncation: 'disabled',
  user: null,
};

function answerOf(overrides: Partial<CompatAnswer> = {}): CompatAnswer {
  return {
    analysisId: ANALYSIS_ID,
    pattern: 'critique',
    models: ['mock:alpha', 'mock:beta'],
    text: 'Rayleigh scattering.',
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 40, outputTokens: 12, reasoningTokens: 3, costUsd: 0.001 },
    ...overrides,
  };
}

const panel: (CompatEvent | null)[] = [
  { kind: 'reasoning_start', label: 'Initial answers · Model A' },
  { kind: 'reasoning', text: 'Blue light ' },
  null,
  { kind: 'reasoning', text: 'scatters more.' },
  { kind: 'reasoning_start', label: 'Critique · Model B' },
  { kind: 'reasoning', text: 'Agreed.' },
  { kind: 'content', text: 'Rayleigh ' },
  { kind: 'content', text: 'scattering.' },
  { kind: 'done', answer: answerOf() },
];

/** Serves a scripted stream through the writer, so the official SDK parses exactly what the gateway writes. */
describe('ResponsesStreamWriter, read by the openai SDK', () => {
  let server: Server;
  let client: OpenAI;
  let script: (CompatEvent | null)[] = [];
  let raw = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      const writer = new ResponsesStreamWriter(res, responseShellOf(ANALYSIS_ID, 'ultra/critique', echo));
      const chunks: string[] = [];
      const write = res.write.bind(res);
      res.write = ((chunk: string) => {
        chunks.push(chunk);
        return write(chunk);
      }) as typeof res.write;
      res.on('finish', () => (raw = chunks.join('')));
      writer.open({ 'x-ultra-analysis-id': ANALYSIS_ID });
      for (const event of script) if (writer.write(event)) break;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('streams reasoning sections before the answer, and finalResponse() is the whole response', async () => {
    script = panel;
    const stream = client.responses.stream({ model: 'ultra/critique', input: 'Why is the sky blue?' });
    const types: string[] = [];
    stream.on('event', (event) => types.push(event.type));
    const final = await stream.finalResponse();
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
    ]);
    expect(types.lastIndexOf('response.reasoning_summary_text.delta')).toBeLessThan(
      types.indexOf('response.output_text.delta'),
    );
    expect(types.at(-1)).toBe('response.completed');
    expect(final.output_text).toBe('Rayleigh scattering.');
    expect(final.status).toBe('completed');
    expect(final.id).toBe('resp_0f8e2a6c111142228333944445555666');
    expect(final.usage).toMatchObject({ input_tokens: 40, output_tokens: 12, total_tokens: 52 });
    const reasoning = final.output.filter((item) => item.type === 'reasoning');
    expect(reasoning.map((item) => item.summary[0].text)).toEqual([
      '**Initial answers · Model A**\n\nBlue light scatters more.',
      '**Critique · Model B**\n\nAgreed.',
    ]);
    expect(raw).toContain(': keep-alive\n\n');
    expect(raw).toMatch(/^event: response\.created\ndata: \{"type":"response\.created","sequence_number":0,/);
  });

  it('is read the same by responses.create({stream: true})', async () => {
    script = panel;
    const stream = await client.responses.create({ model: 'ultra/critique', input: 'q', stream: true });
    let text = '';
    let sequence = -1;
    for await (const event of stream) {
      expect(event.sequence_number).toBe(sequence + 1);
      sequence = event.sequence_number;
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('Rayleigh scattering.');
  });

  it('ends with function_call items and a message-less output for a tool call', async () => {
    const toolCalls = [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }];
    script = [{ kind: 'done', answer: answerOf({ text: '', toolCalls, finishReason: 'tool_calls' }) }];
    const final = await client.responses.stream({ model: 'mock:alpha', input: 'q' }).finalResponse();
    expect(final.output).toEqual([
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      }),
    ]);
    expect(final.output_text).toBe('');
  });

  it('ends a response cut by the token limit with response.incomplete', async () => {
    script = [
      { kind: 'content', text: 'Rayleigh' },
      { kind: 'done', answer: answerOf({ text: 'Rayleigh', finishReason: 'length' }) },
    ];
    const final = await client.responses.stream({ model: 'mock:alpha', input: 'q' }).finalResponse();
    expect(final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(final.output_text).toBe('Rayleigh');
  });

  it('raises a failure mid-stream as the SDK’s APIError, after response.failed', async () => {
    script = [
      { kind: 'reasoning_start', label: 'Initial answers · Model A' },
      { kind: 'failed', error: { code: 'all_models_failed', message: 'every model failed' } },
    ];
    const types: string[] = [];
    const stream = client.responses.stream({ model: 'ultra/critique', input: 'q' });
    stream.on('event', (event) => types.push(event.type));
    const error = await stream.finalResponse().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ code: 'all_models_failed', message: 'every model failed' });
    expect(types).toContain('response.failed');
    const created = await client.responses.create({ model: 'ultra/critique', input: 'q', stream: true });
    await expect(async () => {
      for await (const event of created) expect(event.type).not.toBe('response.completed');
    }).rejects.toBeInstanceOf(OpenAI.APIError);
  });
});

describe('responseObjectOf (not streamed)', () => {
  it('holds one reasoning item with a summary per section, then the message', async () => {
    async function* events(): AsyncGenerator<CompatEvent | null> {
      for (const event of panel) yield await Promise.resolve(event);
    }
    const sections: string[] = [];
    let answer: CompatAnswer | undefined;
    for await (const event of collectSections(events(), sections)) if (event?.kind === 'done') answer = event.answer;
    const shell = responseShellOf(ANALYSIS_ID, 'ultra/critique', echo);
    const response = responseObjectOf(shell, answer as CompatAnswer, sections);
    expect(response.output).toEqual([
      {
        type: 'reasoning',
        id: expect.stringMatching(/^rs_/),
        summary: [
          { type: 'summary_text', text: '**Initial answers · Model A**\n\nBlue light scatters more.' },
          { type: 'summary_text', text: '**Critique · Model B**\n\nAgreed.' },
        ],
      },
      {
        type: 'message',
        id: expect.stringMatching(/^msg_/),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Rayleigh scattering.', annotations: [] }],
      },
    ]);
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      incomplete_details: null,
      usage: { input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 3 } },
      ultra: { analysisId: ANALYSIS_ID, pattern: 'critique', costUsd: 0.001 },
    });
  });
});
