import type { AnalysisView, OutputView } from '@ultra/contracts';
import { csvObjects, parseCsv } from '../../../../test/support/csv';
import { CSV_COLUMNS } from './analysis-csv.formatter';
import { exportFile } from './analysis-export';

const usage = (inputTokens: number, outputTokens: number, costUsd: number) => ({ inputTokens, outputTokens, costUsd });

function output(model: string, text: string | null, overrides: Partial<OutputView> = {}): OutputView {
  return { model, sample: 0, status: 'completed', text, latencyMs: 12, usage: usage(10, 20, 0.000_015), ...overrides };
}

/** Texts a naive writer would break: quotes, commas, CR/LF, a leading space, non-Latin script. */
const tricky = 'He said "yes, and no".\r\nThen:\n- a, b\n- "c"';

const view: AnalysisView = {
  id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
  status: 'completed',
  pattern: 'council',
  models: ['mock:alpha', 'mock:beta'],
  ultraModel: 'mock:alpha',
  prompt: 'Which is better, "tabs" or spaces?\nBe brief.',
  params: {},
  options: {},
  sourceAnalysisId: null,
  createdAt: '2025-03-09T23:59:59.123Z',
  updatedAt: '2025-03-10T00:00:03.000Z',
  completedAt: '2025-03-10T00:00:03.000Z',
  usage: usage(40, 60, 0.000_045),
  result: { model: 'mock:alpha', text: 'Spaces, by a nose.', stage: 'chair', ranking: ['mock:beta'] },
  stages: [
    {
      name: 'answer',
      id: 'answer',
      label: 'Answers',
      kind: 'generate',
      index: 0,
      round: 1,
      status: 'completed',
      usage: usage(20, 40, 0.00003),
      outputs: [
        output('mock:alpha', tricky),
        output('mock:beta', null, {
          status: 'failed',
          error: { category: 'timeout', message: 'mock:beta timed out, after 30 s' },
          usage: usage(0, 0, 0),
        }),
      ],
    },
    {
      name: 'tally',
      id: 'tally',
      label: 'Tally',
      kind: 'aggregate',
      index: 1,
      round: 1,
      status: 'completed',
      usage: usage(0, 0, 0),
      outputs: [],
      aggregate: { ranking: ['mock:alpha'] },
    },
    {
      name: 'chair',
      id: 'chair',
      label: 'Chair',
      kind: 'generate',
      index: 2,
      round: 1,
      status: 'completed',
      usage: usage(20, 20, 0.000_015),
      outputs: [output('mock:alpha', '  Spaces, by a nose.', { sample: 1 })],
    },
    {
      name: 'extra',
      id: 'extra',
      label: 'Extra',
      kind: 'generate',
      index: null,
      round: 1,
      status: 'skipped',
      usage: usage(0, 0, 0),
      outputs: [],
    },
  ],
};

describe('exportFile', () => {
  it('names the file after the id and the day the analysis was created (UTC)', () => {
    expect(exportFile(view, 'json')).toMatchObject({
      filename: 'ultra-1b2c3d4e-20250309.json',
      contentType: 'application/json; charset=utf-8',
    });
    expect(exportFile(view, 'markdown')).toMatchObject({
      filename: 'ultra-1b2c3d4e-20250309.md',
      contentType: 'text/markdown; charset=utf-8',
    });
    expect(exportFile(view, 'csv')).toMatchObject({
      filename: 'ultra-1b2c3d4e-20250309.csv',
      contentType: 'text/csv; charset=utf-8',
    });
  });

  it('json: the view itself', () => {
    expect(JSON.parse(exportFile(view, 'json').body)).toEqual(view);
  });

  it('csv: a header, then one row per output that reads back to the same values', () => {
    const body = exportFile(view, 'csv').body;
    expect(parseCsv(body)[0]).toEqual([...CSV_COLUMNS]);
    const rows = csvObjects(body);
    expect(rows).toEqual([
      {
        analysis_id: view.id,
        stage: 'answer',
        stage_index: '0',
        round: '1',
        model: 'mock:alpha',
        sample: '0',
        status: 'completed',
        input_tokens: '10',
        output_tokens: '20',
        cost_usd: '0.000015',
        latency_ms: '12',
        error_category: '',
        text: tricky,
      },
      expect.objectContaining({ model: 'mock:beta', status: 'failed', error_category: 'timeout', text: '' }),
      expect.objectContaining({ stage: 'chair', stage_index: '2', sample: '1', text: '  Spaces, by a nose.' }),
    ]);
  });

  it('markdown: the question, the final answer, each stage with each model, usage and totals', () => {
    const md = exportFile(view, 'markdown').body;
    expect(md.startsWith('# Which is better, "tabs" or spaces? Be brief.\n')).toBe(true);
    const [, answer] = md.split('## Final answer\n\n');
    expect(answer.startsWith('_By `mock:alpha` in stage `chair`._\n\nSpaces, by a nose.\n')).toBe(true);
    for (const heading of [
      '### Answers (`answer`, round 1): completed',
      '### Tally (`tally`): completed',
      '### Chair (`chair`, round 1): completed',
      '### Extra (`extra`, round 1): skipped\n\n_Not run._',
      '#### `mock:alpha`: completed',
      '#### `mock:alpha` (sample 1): completed',
      '> **Error** (timeout): mock:beta timed out, after 30 s',
      '_Usage: 10 input tokens, 20 output tokens, $0.000015, 12 ms_',
      '| 40 | 60 | $0.000045 |',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain(tricky);
    expect(md.indexOf('## Question')).toBeLessThan(md.indexOf('## Final answer'));
    expect(md.indexOf('## Final answer')).toBeLessThan(md.indexOf('## Stages'));
    expect(md.indexOf('## Stages')).toBeLessThan(md.indexOf('## Totals'));
  });

  it('markdown: a failed analysis says why it has no answer', () => {
    const failed: AnalysisView = {
      ...view,
      status: 'failed',
      result: null,
      error: { code: 'cancelled', message: 'x' },
    };
    expect(exportFile(failed, 'markdown').body).toContain('_No final answer: the analysis failed (cancelled): x_');
  });
});
