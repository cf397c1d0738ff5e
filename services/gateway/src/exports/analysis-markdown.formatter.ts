import type { AnalysisView, OutputView, StageView, Usage } from '@ultra/contracts';

const TITLE_CHARS = 100;

/**
 * The analysis as a Markdown document for people: a title with the question, the final answer, then every stage run
 * in order with each model's output (or error), usage and cost, and the totals. Model answers are Markdown already,
 * so they are included as they are.
 */
export function analysisMarkdown(view: AnalysisView): string {
  const parts = [
    `# ${titleOf(view.prompt)}`,
    [
      `- Analysis: \`${view.id}\``,
      `- Pattern: \`${view.pattern}\`, status: ${view.status}${view.error ? ` (${view.error.code}: ${oneLine(view.error.message)})` : ''}`,
      `- Models: ${view.models.map((m) => `\`${m}\``).join(', ')}; ultra model: \`${view.ultraModel}\``,
      `- Created: ${view.createdAt}${view.completedAt ? `, ended: ${view.completedAt}` : ''}`,
    ].join('\n'),
    '## Question',
    view.prompt,
    '## Final answer',
    ...finalAnswer(view),
    '## Stages',
    ...view.stages.flatMap(stageSection),
    '## Totals',
    usageTable(view.usage),
  ];
  return `${parts.join('\n\n')}\n`;
}

function finalAnswer(view: AnalysisView): string[] {
  if (view.result) return [`_By \`${view.result.model}\` in stage \`${view.result.stage}\`._`, view.result.text];
  if (view.error)
    return [`_No final answer: the analysis failed (${view.error.code}): ${oneLine(view.error.message)}_`];
  return [`_No final answer yet: the analysis is ${view.status}._`];
}

function stageSection(stage: StageView): string[] {
  const round = stage.kind === 'generate' ? `, round ${stage.round}` : '';
  const heading = `### ${stage.label} (\`${stage.id}\`${round}): ${stage.status}`;
  if (stage.index === null) return [heading, '_Not run._'];
  const parts = [heading];
  if (stage.note) parts.push(`_${oneLine(stage.note)}_`);
  if (stage.aggregate) parts.push('```json\n' + JSON.stringify(stage.aggregate, null, 2) + '\n```');
  parts.push(...stage.outputs.flatMap(outputSection));
  if (stage.outputs.length > 0) parts.push(`_Stage usage: ${usageLine(stage.usage)}_`);
  return parts;
}

function outputSection(output: OutputView): string[] {
  const sample = output.sample > 0 ? ` (sample ${output.sample})` : '';
  const by = output.answeredBy ? `, answered by \`${output.answeredBy}\`` : '';
  const heading = `#### \`${output.model}\`${sample}: ${output.status}${by}`;
  const body = output.error
    ? `> **Error** (${output.error.category}): ${oneLine(output.error.message)}`
    : (output.text ?? '_No text._');
  const flags = [output.reused && 'reused', output.cached && 'cached'].filter(Boolean).join(', ');
  const usage = `_Usage: ${usageLine(output.usage)}, ${output.latencyMs} ms${flags ? `, ${flags}` : ''}_`;
  return [heading, body, usage];
}

function usageLine(usage: Usage): string {
  return `${usage.inputTokens} input tokens, ${usage.outputTokens} output tokens, ${usd(usage.costUsd ?? 0)}`;
}

function usageTable(usage: Usage): string {
  return [
    '| input tokens | output tokens | cost (USD) |',
    '| ---: | ---: | ---: |',
    `| ${usage.inputTokens} | ${usage.outputTokens} | ${usd(usage.costUsd ?? 0)} |`,
  ].join('\n');
}

function usd(value: number): string {
  return `$${value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 8 })}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The question's first words, on one line: a heading cannot span lines. */
function titleOf(prompt: string): string {
  const line = oneLine(prompt);
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}
