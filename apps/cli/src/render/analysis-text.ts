import type { AnalysisView, StageView } from '@ultra/contracts';
import pc from 'picocolors';
import { renderMarkdown, truncate, usd } from './terminal-text.js';

const statusColour = (status: string): string =>
  status === 'completed' ? pc.green(status) : status === 'failed' ? pc.red(status) : pc.yellow(status);

function stageLine(stage: StageView, width: number): string {
  const name = `${stage.id}${stage.round > 1 ? ` round ${stage.round}` : ''}`.padEnd(width);
  const outputs = stage.outputs.map((o) => {
    const who = `${o.model}${o.sample > 0 ? `#${o.sample}` : ''}`;
    if (o.status === 'failed')
      return pc.red(`${who} ✖ ${o.error ? `${o.error.category}: ${o.error.message}` : 'failed'}`);
    const tags = [o.cached ? 'cached' : '', o.reused ? 'reused' : '', o.answeredBy ? `by ${o.answeredBy}` : '']
      .filter(Boolean)
      .join(', ');
    return `${who} ${o.usage.outputTokens} tok${tags ? ` (${tags})` : ''}`;
  });
  const status = statusColour(stage.status) + ' '.repeat(Math.max(0, 9 - stage.status.length));
  return `  ${name}  ${status}${outputs.length ? `  ${outputs.join(pc.dim(' · '))}` : ''}`.trimEnd();
}

/** The pattern's named data beside the answer (ranking, agreement, votes, verdicts), one compact line each. */
function resultData(result: NonNullable<AnalysisView['result']>): string[] {
  return Object.entries(result)
    .filter(([key]) => !['model', 'text', 'stage'].includes(key))
    .map(([key, value]) => `${pc.dim(key)} ${truncate(JSON.stringify(value), 200)}`);
}

/** An analysis for people: what was asked, how each stage went, then the final answer rendered as Markdown. */
export function formatAnalysis(view: AnalysisView, columns: number | undefined): string {
  const ran = view.stages.filter((s) => s.index !== null);
  const width = Math.max(...ran.map((s) => `${s.id}${s.round > 1 ? ` round ${s.round}` : ''}`.length), 0);
  const lines = [
    `${pc.bold('analysis')} ${view.id}  ${statusColour(view.status)}`,
    `${pc.dim('pattern')} ${view.pattern}  ${pc.dim('models')} ${view.models.join(', ')}  ${pc.dim('ultra')} ${view.ultraModel}`,
    `${pc.dim('usage')} ${view.usage.inputTokens} in / ${view.usage.outputTokens} out tokens, ${usd(view.usage.costUsd ?? 0)}  ${pc.dim('created')} ${view.createdAt}`,
    `${pc.dim('question')} ${view.prompt}`,
  ];
  if (view.parentAnalysisId)
    lines.push(`${pc.dim('follows up')} ${view.parentAnalysisId}  ${pc.dim('thread')} ${view.threadId}`);
  for (const doc of view.documents ?? []) {
    lines.push(
      `${pc.dim('document')} ${doc.name} (${doc.chunks.length} chunks used${doc.truncated ? ', truncated' : ''})`,
    );
  }
  lines.push('', ...ran.map((stage) => stageLine(stage, width)));
  if (view.error) lines.push('', pc.red(`failed: ${view.error.code}: ${view.error.message}`));
  if (view.result) {
    lines.push(...resultData(view.result));
    lines.push('', pc.bold(`answer (${view.result.model}, stage ${view.result.stage})`), '');
    lines.push(renderMarkdown(view.result.text, columns));
  }
  return lines.join('\n');
}
