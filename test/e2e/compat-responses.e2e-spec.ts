import OpenAI from 'openai';
import { ApiClient } from '../support/api';
import { TestStack } from '../support/stack';

type UltraInfo = { analysisId: string; pattern: string; models: string[]; costUsd: number };
const panel = { ultra: { models: ['mock:alpha', 'mock:beta'], ultraModel: 'mock:alpha' } };

/** `POST /v1/responses` on the real stack, through the official openai SDK, unchanged. */
describe('OpenAI Responses API with the official openai SDK', () => {
  let stack: TestStack;
  let user: ApiClient;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 1 });
    user = await new ApiClient(stack.baseUrl).registerUser();
    client = new OpenAI({ apiKey: user.token, baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const resultOf = async (analysisId: string) =>
    // A direct call answers as soon as its model has; the store completes the analysis moments later.
    user.waitForAnalysis(analysisId);

  it('answers a direct model without streaming: output_text, usage, the analysis id', async () => {
    const { data, response } = await client.responses
      .create({ model: 'mock:alpha', input: 'What is 2 + 2?', instructions: 'Answer briefly.' })
      .withResponse();
    const analysisId = response.headers.get('x-ultra-analysis-id') as string;
    expect(analysisId).toMatch(/^[0-9a-f-]{36}$/);
    expect(data).toMatchObject({
      id: `resp_${analysisId.replaceAll('-', '')}`,
      object: 'response',
      status: 'completed',
      model: 'mock:alpha',
      ultra: { analysisId, pattern: 'direct', models: ['mock:alpha'] },
    });
    expect(data.output.map((item) => item.type)).toEqual(['message']);
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0));
    const view = await resultOf(analysisId);
    expect(view).toMatchObject({ status: 'completed', pattern: 'direct', models: ['mock:alpha'] });
    expect(view.result?.text).toBe(data.output_text);
  });

  it('answers ultra/critique without streaming, with a reasoning summary per section', async () => {
    const data = await client.responses.create({
      model: 'ultra/critique',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Why is the sky blue?' }] }],
      ...panel,
    } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    const ultra = (data as unknown as { ultra: UltraInfo }).ultra;
    expect(ultra).toMatchObject({ pattern: 'critique', models: ['mock:alpha', 'mock:beta'] });
    expect(data.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const reasoning = data.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary.length).toBeGreaterThan(1);
    expect(reasoning.summary[0].text).toMatch(/^\*\*Initial answers · Model A\*\*/);
    expect((await resultOf(ultra.analysisId)).result?.text).toBe(data.output_text);
  });

  it('streams ultra/critique: labelled reasoning summaries before the answer, finalResponse() whole', async () => {
    const stream = client.responses.stream({
      model: 'ultra/critique',
      input: 'Why is the sky blue?',
      ...panel,
    });
    const types: string[] = [];
    let reasoning = '';
    let text = '';
    stream.on('event', (event) => types.push(event.type));
    stream.on('response.reasoning_summary_text.delta', (event) => (reasoning += event.delta));
    stream.on('response.output_text.delta', (event) => (text += event.delta));
    const final = await stream.finalResponse();
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    expect(types.lastIndexOf('response.reasoning_summary_text.delta')).toBeLessThan(
      types.indexOf('response.output_text.delta'),
    );
    expect(reasoning).toContain('**Initial answers · Model A**');
    expect(reasoning).toContain('Model B');
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe(text);
    expect(final.usage?.input_tokens).toBeGreaterThan(0);
    const analysisId = (final as unknown as { ultra: UltraInfo }).ultra.analysisId;
    expect((await resultOf(analysisId)).result?.text).toBe(text);
  });

  it('streams a direct model through responses.create({stream: true})', async () => {
    const stream = await client.responses.create({ model: 'mock:alpha', input: 'Hello there', stream: true });
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(completed?.usage?.output_tokens).toBeGreaterThan(0);
    const analysisId = (completed as unknown as { ultra: UltraInfo }).ultra.analysisId;
    expect((await resultOf(analysisId)).result?.text).toBe(text);
  });

  it('raises the SDK’s error classes', async () => {
    const unknown = await client.responses.create({ model: 'nope:model', input: 'hi' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    const image = await client.responses
      .create({
        model: 'mock:alpha',
        input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png', detail: 'auto' }] }],
      })
      .catch((e: unknown) => e);
    expect(image).toBeInstanceOf(OpenAI.BadRequestError);
    expect(image).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'input.0.content.0' });
    const stateful = await client.responses
      .create({ model: 'mock:alpha', input: 'hi', previous_response_id: 'resp_1' })
      .catch((e: unknown) => e);
    expect(stateful).toMatchObject({ status: 400, param: 'previous_response_id' });
    const stranger = new OpenAI({ apiKey: 'not-a-key', baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
    const auth = await stranger.responses.create({ model: 'mock:alpha', input: 'hi' }).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('passes function tools through to a direct model and takes the result back', async () => {
    const tools: OpenAI.Responses.FunctionTool[] = [
      {
        type: 'function',
        name: 'get_weather',
        description: 'The weather in a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        strict: false,
      },
    ];
    const first = await client.responses.create({ model: 'mock:alpha', input: 'Weather in Paris?', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    const { call_id: callId } = call as OpenAI.Responses.ResponseFunctionToolCall;
    const second = await client.responses.create({
      model: 'mock:alpha',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...first.output.filter((item) => item.type === 'function_call'),
        { type: 'function_call_output', call_id: callId, output: 'sunny, 21°C' },
      ],
    });
    expect(second.output_text).toContain('sunny, 21°C');
    const streamed = await client.responses.stream({ model: 'mock:alpha', input: 'Weather?', tools }).finalResponse();
    expect(streamed.output.map((item) => item.type)).toContain('function_call');
  });
});
