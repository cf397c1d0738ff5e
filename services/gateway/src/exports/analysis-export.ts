import { type AnalysisView, ExportFormat } from '@ultra/contracts';
import { analysisCsv } from './analysis-csv.formatter';
import { analysisMarkdown } from './analysis-markdown.formatter';

/** An export as the client downloads it. */
export interface ExportFile {
  contentType: string;
  /** `ultra-<first 8 characters of the id>-<yyyymmdd of createdAt, UTC>.<ext>` */
  filename: string;
  body: string;
}

interface Format {
  extension: string;
  contentType: string;
  render: (view: AnalysisView) => string;
}

const formats: Record<ExportFormat, Format> = {
  [ExportFormat.Json]: {
    extension: 'json',
    contentType: 'application/json; charset=utf-8',
    render: (view) => `${JSON.stringify(view, null, 2)}\n`,
  },
  [ExportFormat.Markdown]: {
    extension: 'md',
    contentType: 'text/markdown; charset=utf-8',
    render: analysisMarkdown,
  },
  [ExportFormat.Csv]: { extension: 'csv', contentType: 'text/csv; charset=utf-8', render: analysisCsv },
};

/** The date in the name is the analysis' own (created), so exporting it again gives the same name. */
export function exportFile(view: AnalysisView, format: ExportFormat): ExportFile {
  const { extension, contentType, render } = formats[format];
  const day = view.createdAt.slice(0, 10).replaceAll('-', '');
  return { contentType, filename: `ultra-${view.id.slice(0, 8)}-${day}.${extension}`, body: render(view) };
}
