import { randomUUID } from 'node:crypto';
import type { AnalysisView, AnalyzeAccepted, ApiErrorBody } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { csvObjects, parseCsv } from '../support/csv';
import { TestStack } from '../support/stack';

interface Download {
  status: number;
  headers: Headers;
  text: string;
}

/** An export as a browser or curl gets it: raw bytes decoded as UTF-8, not parsed as JSON. */
async function download(client: ApiClient, path: string): Promise<Download> {
  const response = await fetch(`${client.baseUrl}${path}`, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('exports of an analysis', () => {
  let stack: TestStack;
  let user: ApiClient;
  let view: AnalysisView;
  const exportOf = (format?: string) =>
    download(user, `/api/analyses/${view.id}/export${format === undefined ? '' : `?format=${format}`}`);

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 1 });
    user = await new ApiClient(stack.baseUrl).registerUser();
    // The mock models quote the question, and mock:beta fences its JSON answers in a sentence and newlines: outputs
    // with quotes, commas and line breaks, and non-ASCII text, which the CSV must carry through.
    const started = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt: 'Is "CSV", with commas, naïve — or hard?',
      models: ['mock:alpha', 'mock:beta', 'mock:gamma'],
      pattern: 'confidence',
    });
    expect(started.status).toBe(202);
    view = await user.waitForAnalysis(started.body.id);
    expect(view.status).toBe('completed');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const expectedName = (extension: string) =>
    `attachment; filename="ultra-${view.id.slice(0, 8)}-${view.createdAt.slice(0, 10).replaceAll('-', '')}.${extension}"`;

  it('json (the default): the full view, as a named attachment', async () => {
    for (const file of [await exportOf(), await exportOf('json')]) {
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(file.headers.get('content-disposition')).toBe(expectedName('json'));
      expect(JSON.parse(file.text)).toEqual(view);
    }
  });

  it('csv: a header, then one row per output, reading back to the view with quotes, commas and newlines intact', async () => {
    const outputs = view.stages.flatMap((stage) => stage.outputs.map((output) => ({ stage, output })));
    const texts = outputs.map(({ output }) => output.text ?? '');
    // The precondition of the test: the answers really hold what CSV must quote.
    for (const special of ['"', ',', '\n', 'ï']) expect(texts.some((t) => t.includes(special))).toBe(true);

    const file = await exportOf('csv');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe(expectedName('csv'));
    expect(parseCsv(file.text)[0]).toEqual([
      'analysis_id',
      'stage',
      'stage_index',
      'round',
      'model',
      'sample',
      'status',
      'input_tokens',
      'output_tokens',
      'cost_usd',
      'latency_ms',
      'error_category',
      'text',
    ]);
    const rows = csvObjects(file.text);
    expect(rows).toEqual(
      outputs.map(({ stage, output }) => ({
        analysis_id: view.id,
        stage: stage.id,
        stage_index: String(stage.index),
        round: String(stage.round),
        model: output.model,
        sample: String(output.sample),
        status: output.status,
        input_tokens: String(output.usage.inputTokens),
        output_tokens: String(output.usage.outputTokens),
        cost_usd: expect.stringMatching(/^\d+(\.\d+)?$/),
        latency_ms: String(output.latencyMs),
        error_category: output.error?.category ?? '',
        text: output.text ?? '',
      })),
    );
    expect(rows.map((row) => Number(row.cost_usd))).toEqual(outputs.map(({ output }) => output.usage.costUsd ?? 0));
  });

  it('markdown: the question, the final answer, each stage and each model with usage, and the totals', async () => {
    const file = await exportOf('markdown');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe(expectedName('md'));
    const md = file.text;
    expect(md.startsWith(`# ${view.prompt}\n`)).toBe(true);
    expect(md).toContain(`## Question\n\n${view.prompt}\n`);
    expect(md).toContain(`## Final answer\n\n_By \`${view.result?.model}\``);
    expect(md).toContain(view.result?.text);
    for (const stage of view.stages) {
      expect(md).toContain(`### ${stage.label} (\`${stage.id}\``);
      for (const output of stage.outputs) {
        expect(md).toContain(`#### \`${output.model}\``);
        expect(md).toContain(output.text ?? output.error?.message);
      }
    }
    expect(md).toContain(`_Usage: ${view.stages[0].outputs[0].usage.inputTokens} input tokens`);
    expect(md).toContain(`## Totals`);
    expect(md).toContain(`| ${view.usage.inputTokens} | ${view.usage.outputTokens} |`);
  });

  it('refuses another format with 400 naming format; 404 for an unknown analysis or another user’s', async () => {
    const refused = await exportOf('xml');
    expect(refused.status).toBe(400);
    expect((JSON.parse(refused.text) as ApiErrorBody).error).toMatchObject({
      code: 'validation_failed',
      details: [expect.objectContaining({ path: 'format' })],
    });
    expect((await download(user, `/api/analyses/${randomUUID()}/export`)).status).toBe(404);
    const other = await new ApiClient(stack.baseUrl).registerUser();
    const hidden = await download(other, `/api/analyses/${view.id}/export?format=csv`);
    expect(hidden.status).toBe(404);
    expect((JSON.parse(hidden.text) as ApiErrorBody).error.code).toBe('analysis_not_found');
  });
});
