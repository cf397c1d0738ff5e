import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import type { CompatAnswer } from './compat-request';
import type { CompatEvent } from './compat-stream.translator';
import { MessagesStreamWriter, ULTRA_THINKING_SIGNATURE } from './messages.stream';

const answer = (over: Partial<CompatAnswer> = {}): CompatAnswer => ({
  analysisId: '0b7a3d4e-1111-4222-8333-944445555666',
  pattern: 'critique',
  models: ['mock:alpha', 'mock:beta'],
  text: 'Rayleigh scattering.',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 120, outputTokens: 45, reasoningTokens: 0, costUsd: 0.0012 },
  ...over,
});

/**
 * The writer behind a real HTTP server, read by the official SDK's own stream parser and accumulator: every frame
 * must parse as Anthropic's, whatever the events.
 */
describe('MessagesStreamWriter', () => {
  let server: Server;
  let events: (CompatEvent | null)[] = [];
  let client: Anthropic;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      const writer = new MessagesStreamWriter(response, 'msg_0b7a', 'ultra/critique');
      writer.open({ 'x-ultra-analysis-id': 'a1' });
      for (const event of events) if (writer.write(event)) return;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new Anthropic({ apiKey: 'test', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const stream = () =>
    client.messages.stream({ model: 'ultra/critique', max_tokens: 64, messages: [{ role: 'user', content: 'Why?' }] });

  it('writes each reasoning section as a signed thinking block before the text block', async () => {
    events = [
      null,
      { kind: 'reasoning_start', label: 'Initial answers · Model A' },
      { kind: 'reasoning', text: 'Because of ' },
      { kind: 'reasoning', text: 'scattering.' },
      { kind: 'reasoning_start', label: 'Initial answers · Model B' },
      { kind: 'reasoning', text: 'Blue light scatters most.' },
      null,
      { kind: 'content', text: 'Rayleigh ' },
      { kind: 'content', text: 'scattering.' },
      { kind: 'done', answer: answer() },
    ];
    const thinking: string[] = [];
    const message = await stream()
      .on('thinking', (delta) => thinking.push(delta))
      .finalMessage();
    expect(message).toMatchObject({
      id: 'msg_0b7a',
      model: 'ultra/critique',
      stop_reason: 'end_turn',
      usage: { input_tokens: 120, output_tokens: 45 },
    });
    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: '**Initial answers · Model A**\n\nBecause of scattering.',
        signature: ULTRA_THINKING_SIGNATURE,
      },
      {
        type: 'thinking',
        thinking: '**Initial answers · Model B**\n\nBlue light scatters most.',
        signature: ULTRA_THINKING_SIGNATURE,
      },
      { type: 'text', text: 'Rayleigh scattering.' },
    ]);
    expect(thinking[0]).toBe('**Initial answers · Model A**\n\n');
  });

  it('ends with tool_use blocks (input parsed, or {} when the model wrote no JSON) and stop_reason tool_use', async () => {
    const toolCalls = [
      { id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_2', name: 'time', arguments: 'not json' },
    ];
    events = [{ kind: 'done', answer: answer({ text: '', toolCalls, finishReason: 'tool_calls' }) }];
    const message = await stream().finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'time', input: {} },
    ]);
  });

  it('writes an empty text block for an empty answer and max_tokens for a cut one', async () => {
    events = [{ kind: 'done', answer: answer({ text: '', finishReason: 'length' }) }];
    const message = await stream().finalMessage();
    expect(message).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: '' }] });
  });

  it('fails as an error event, which the SDK raises', async () => {
    events = [
      { kind: 'reasoning_start', label: 'Initial answers · Model A' },
      { kind: 'failed', error: { code: 'analysis_failed', message: 'every model failed' } },
    ];
    const error: unknown = await stream()
      .finalMessage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: 'every model failed' },
    });
  });
});
