import { ApiException } from '@ultra/platform';
import { countInputTokens, readCountTokens, readMessages } from './messages.mapper';

/** The error a body is refused with: its code and the path it names. */
function refusal(body: unknown): { code: string; path: unknown } {
  try {
    readMessages(body, undefined);
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const details = error.details as { path: string }[] | undefined;
    return { code: error.code, path: details?.[0]?.path };
  }
  throw new Error('the body was accepted');
}

const base = { model: 'mock:alpha', max_tokens: 256 };

describe('readMessages', () => {
  it('maps system blocks, sampling, max_tokens and metadata.ultra', () => {
    const call = readMessages(
      {
        ...base,
        model: 'ultra/critique',
        system: [
          { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Use SI units.' },
        ],
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 0.3,
        top_p: 0.9,
        top_k: 5,
        stop_sequences: ['END'],
        thinking: { type: 'enabled', budget_tokens: 2048 },
        metadata: { user_id: 'u1', ultra: { models: ['mock:alpha'] } },
        stream: true,
      },
      false,
    );
    expect(call).toEqual({
      stream: true,
      request: {
        model: 'ultra/critique',
        system: 'Be brief.\n\nUse SI units.',
        messages: [{ role: 'user', content: 'Hi' }],
        directOnly: [],
        maxOutputTokens: 256,
        temperature: 0.3,
        ultra: { models: ['mock:alpha'] },
        showStages: false,
      },
    });
  });

  it('prefers a top-level ultra object to metadata.ultra', () => {
    const call = readMessages(
      { ...base, messages: [{ role: 'user', content: 'Hi' }], ultra: { cache: false }, metadata: { ultra: {} } },
      undefined,
    );
    expect(call.request.ultra).toEqual({ cache: false });
  });

  it('maps tool_use and tool_result turns, tools and tool_choice, all direct-only', () => {
    const { request } = readMessages(
      {
        ...base,
        tools: [{ name: 'weather', description: 'Weather now', input_schema: { type: 'object' } }, { name: 'time' }],
        tool_choice: { type: 'any' },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: '**Initial answers · Model A**', signature: 'ultra-panel-stage' },
              { type: 'text', text: 'Let me look.' },
              { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '4 °C' }] },
              { type: 'text', text: 'And tomorrow?' },
            ],
          },
        ],
      },
      undefined,
    );
    expect(request.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: 'Let me look.',
        toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
      },
      { role: 'tool', content: '4 °C', toolCallId: 'toolu_1' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(request.tools).toEqual([
      { name: 'weather', description: 'Weather now', parameters: { type: 'object' } },
      { name: 'time', parameters: { type: 'object', properties: {} } },
    ]);
    expect(request.toolChoice).toBe('required');
    expect(request.directOnly).toEqual(['tools', 'tool_choice', 'messages.1.content.2', 'messages.2.content.0']);
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'none' }, 'none'],
    [{ type: 'tool', name: 'time' }, { name: 'time' }],
  ])('maps tool_choice %j', (choice, expected) => {
    const { request } = readMessages(
      { ...base, tools: [{ name: 'time' }], tool_choice: choice, messages: [{ role: 'user', content: 'Hi' }] },
      undefined,
    );
    expect(request.toolChoice).toEqual(expected);
  });

  it('marks an errored tool result', () => {
    const { request } = readMessages(
      {
        ...base,
        messages: [
          { role: 'user', content: 'Go' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'timeout', is_error: true }] },
        ],
      },
      undefined,
    );
    expect(request.messages[1]).toEqual({ role: 'tool', content: 'Error: timeout', toolCallId: 't' });
  });

  it('refuses images, documents and server tools by their path', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } };
    expect(refusal({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, image] }] })).toEqual({
      code: 'unsupported_parameter',
      path: 'messages.0.content.1',
    });
    const document = { type: 'document', source: { type: 'text', data: 'x' } };
    expect(refusal({ ...base, messages: [{ role: 'user', content: [document] }] }).path).toBe('messages.0.content.0');
    const inResult = { type: 'tool_result', tool_use_id: 't', content: [image] };
    expect(refusal({ ...base, messages: [{ role: 'user', content: [inResult] }] }).path).toBe(
      'messages.0.content.0.content.0',
    );
    const webSearch = { type: 'web_search_20250305', name: 'web_search' };
    expect(refusal({ ...base, tools: [webSearch], messages: [{ role: 'user', content: 'x' }] })).toEqual({
      code: 'unsupported_parameter',
      path: 'tools.0.type',
    });
  });

  it('requires max_tokens and names bad fields', () => {
    expect(refusal({ model: 'mock:alpha', messages: [{ role: 'user', content: 'x' }] })).toEqual({
      code: 'validation_failed',
      path: 'max_tokens',
    });
    expect(refusal({ ...base, messages: [{ role: 'system', content: 'x' }] }).path).toBe('messages.0.role');
  });
});

describe('readCountTokens and countInputTokens', () => {
  it('counts system, turns and tools without max_tokens', () => {
    const body = {
      model: 'mock:alpha',
      system: 'x'.repeat(40),
      messages: [{ role: 'user', content: 'y'.repeat(400) }],
    };
    expect(countInputTokens(readCountTokens(body))).toBe(110);
    const withTools = readCountTokens({ ...body, tools: [{ name: 'time', input_schema: { type: 'object' } }] });
    expect(countInputTokens(withTools)).toBeGreaterThan(110);
  });

  it('answers at least one token', () => {
    expect(countInputTokens(readCountTokens({ model: 'mock:alpha', messages: [{ role: 'user', content: '' }] }))).toBe(
      1,
    );
  });
});
