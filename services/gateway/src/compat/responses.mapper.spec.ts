import { ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '@ultra/platform';
import { readResponses } from './responses.mapper';

function refusal(body: Record<string, unknown>): { code: string; path: unknown } {
  try {
    readResponses({ model: 'mock:alpha', input: 'hi', ...body }, undefined);
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const details = error.details as { path: string }[] | undefined;
    return { code: error.code, path: details?.[0]?.path };
  }
  throw new Error('expected a refusal');
}

describe('readResponses', () => {
  it('reads a string input, instructions and the sampling fields', () => {
    const call = readResponses(
      {
        model: 'ultra/critique',
        input: 'Why is the sky blue?',
        instructions: 'Be brief.',
        temperature: 0.2,
        max_output_tokens: 300,
        stream: true,
        store: true,
        metadata: { run: '1' },
        reasoning: { effort: 'low', summary: 'auto' },
        text: { format: { type: 'text' } },
        truncation: 'auto',
        parallel_tool_calls: false,
        top_p: 0.9,
        user: 'u1',
        ultra: { models: ['mock:alpha'] },
      },
      false,
    );
    expect(call.stream).toBe(true);
    expect(call.request).toEqual({
      model: 'ultra/critique',
      messages: [{ role: 'user', content: 'Why is the sky blue?' }],
      directOnly: [],
      system: 'Be brief.',
      temperature: 0.2,
      maxOutputTokens: 300,
      ultra: { models: ['mock:alpha'] },
      showStages: false,
    });
    expect(call.echo).toMatchObject({ instructions: 'Be brief.', top_p: 0.9, metadata: { run: '1' }, user: 'u1' });
  });

  it('maps message items, system/developer messages, tool calls and their outputs', () => {
    const call = readResponses(
      {
        model: 'mock:alpha',
        instructions: 'A',
        input: [
          { role: 'developer', content: 'B' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather?' }] },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
          { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call', call_id: 'c2', name: 'get_time', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
          { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'noon' }] },
        ],
        tools: [{ type: 'function', name: 'get_weather', description: 'w', parameters: { type: 'object' } }],
        tool_choice: { type: 'function', name: 'get_weather' },
      },
      undefined,
    );
    expect(call.request.system).toBe('A\n\nB');
    expect(call.request.messages).toEqual([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'c2', name: 'get_time', arguments: '{}' },
        ],
      },
      { role: 'tool', content: 'sunny', toolCallId: 'c1' },
      { role: 'tool', content: 'noon', toolCallId: 'c2' },
    ]);
    expect(call.request.tools).toEqual([{ name: 'get_weather', description: 'w', parameters: { type: 'object' } }]);
    expect(call.request.toolChoice).toEqual({ name: 'get_weather' });
    expect(call.request.directOnly).toEqual(['tools', 'tool_choice', 'input.4', 'input.5', 'input.6', 'input.7']);
  });

  it('refuses what Ultra cannot honour by its path', () => {
    const image = { type: 'input_image', image_url: 'https://x/y.png' };
    const cases: [Record<string, unknown>, string][] = [
      [{ input: [{ role: 'user', content: [{ type: 'input_text', text: 'a' }, image] }] }, 'input.0.content.1'],
      [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input.0.content.0'],
      [{ input: [{ type: 'item_reference', id: 'x' }] }, 'input.0.type'],
      [{ tools: [{ type: 'web_search' }] }, 'tools.0.type'],
      [{ tool_choice: { type: 'file_search' } }, 'tool_choice'],
      [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
      [{ text: { format: { type: 'json_schema', name: 'x', schema: {} } } }, 'text.format'],
      [{ background: true }, 'background'],
    ];
    for (const [body, path] of cases) {
      expect(refusal(body)).toEqual({ path, code: ApiErrorCode.UnsupportedParameter });
    }
  });

  it('names the fields of a malformed request', () => {
    expect(refusal({ input: [] })).toEqual({ code: ApiErrorCode.ValidationFailed, path: 'input' });
    expect(refusal({ input: [{ type: 'function_call', name: 'f' }] })).toEqual({
      code: ApiErrorCode.ValidationFailed,
      path: 'input.0.call_id',
    });
    expect(refusal({ input: [{ role: 'robot', content: 'x' }] })).toEqual({
      code: ApiErrorCode.ValidationFailed,
      path: 'input.0.role',
    });
  });
});
