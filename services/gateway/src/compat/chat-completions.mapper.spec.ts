import { ApiException } from '@ultra/platform';
import { readChatCompletion } from './chat-completions.mapper';
import { mapConversation } from './compat-conversation';

const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiException) return { code: error.code, details: error.details };
    throw error;
  }
  return undefined;
};

describe('readChatCompletion', () => {
  it('joins system and developer messages, maps turns, sampling fields and streaming options', () => {
    const { request, stream, includeUsage } = readChatCompletion(
      {
        model: 'ultra/critique',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Cite sources.' }] },
          { role: 'user', content: 'First?' },
          { role: 'assistant', content: 'One.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Second' },
              { type: 'text', text: '?' },
            ],
          },
        ],
        temperature: 0.2,
        max_tokens: 50,
        max_completion_tokens: 70,
        stream: true,
        stream_options: { include_usage: true },
        top_p: 0.9,
        seed: 4,
        user: 'someone',
      },
      false,
    );
    expect(request).toMatchObject({
      model: 'ultra/critique',
      system: 'Be brief.\n\nCite sources.',
      temperature: 0.2,
      maxOutputTokens: 70,
      showStages: false,
      directOnly: [],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'First?' },
      { role: 'assistant', content: 'One.' },
      { role: 'user', content: 'Second?' },
    ]);
    expect({ stream, includeUsage }).toEqual({ stream: true, includeUsage: true });
  });

  it('keeps tools and tool turns, marked as direct-only', () => {
    const { request } = readChatCompletion(
      {
        model: 'openai:gpt-4o-mini',
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        ],
        tools: [{ type: 'function', function: { name: 'w', description: 'weather' } }],
        tool_choice: 'required',
      },
      undefined,
    );
    expect(request.directOnly).toEqual(['tools', 'tool_choice', 'messages.1.tool_calls', 'messages.2']);
    expect(request.tools).toEqual([
      { name: 'w', description: 'weather', parameters: { type: 'object', properties: {} } },
    ]);
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'c1', name: 'w', arguments: '{}' }],
    });
    expect(request.messages[2]).toEqual({ role: 'tool', content: 'sunny', toolCallId: 'c1' });
  });

  it('refuses by name what no Ultra model can honour', () => {
    const base = { model: 'mock:alpha', messages: [{ role: 'user', content: 'x' }] };
    expect(codeOf(() => readChatCompletion({ ...base, n: 2 }, undefined))).toMatchObject({
      code: 'unsupported_parameter',
    });
    expect(codeOf(() => readChatCompletion({ ...base, tools: [{ type: 'web_search' }] }, undefined))).toMatchObject({
      code: 'unsupported_parameter',
      details: [{ path: 'tools.0.type' }],
    });
    expect(
      codeOf(() =>
        readChatCompletion({ ...base, messages: [{ role: 'function', name: 'f', content: 'x' }] }, undefined),
      ),
    ).toMatchObject({ code: 'unsupported_parameter', details: [{ path: 'messages.0' }] });
    expect(codeOf(() => readChatCompletion([], undefined))).toMatchObject({ code: 'validation_failed' });
    expect(codeOf(() => readChatCompletion({ messages: base.messages }, undefined))).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'model' }],
    });
  });
});

describe('mapConversation', () => {
  it('takes the last user turn as the question and earlier answered turns as history', () => {
    const mapped = mapConversation([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'A' },
      { role: 'user', content: 'b' },
      { role: 'user', content: 'c' },
    ]);
    expect(mapped).toEqual({ prompt: 'b\n\nc', history: [{ prompt: 'a', answer: 'A' }], needsTurns: false });
  });

  it('marks conversations history cannot show, and refuses one without a user turn', () => {
    expect(
      mapConversation([
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'prefill' },
      ]).needsTurns,
    ).toBe(true);
    expect(codeOf(() => mapConversation([{ role: 'assistant', content: 'x' }]))).toMatchObject({
      code: 'validation_failed',
    });
  });
});
