import type { AnalysisView } from '@ultra/contracts';
import { csvDocument, type CsvValue } from './csv-writer';

export const CSV_COLUMNS = [
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
] as const;

/** One row per output of every stage run, in the view's order; stages that have not run have no outputs. */
export function analysisCsv(view: AnalysisView): string {
  const rows = view.stages.flatMap((stage) =>
    stage.outputs.map((output): CsvValue[] => [
      view.id,
      stage.id,
      stage.index,
      stage.round,
      output.model,
      output.sample,
      output.status,
      output.usage.inputTokens,
      output.usage.outputTokens,
      output.usage.costUsd ?? 0,
      output.latencyMs,
      output.error?.category ?? null,
      output.text,
    ]),
  );
  return csvDocument(CSV_COLUMNS, rows);
}
