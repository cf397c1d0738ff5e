import type { ArmSummary, EvalReport } from './eval-types.js';

/** Accuracy when any arm has scored items (the summary compares by it then), else the win rate. */
function measureOf(report: EvalReport): { name: string; value: (arm: ArmSummary) => number | null } {
  return report.arms.some((a) => a.accuracy !== null)
    ? { name: 'Accuracy', value: (a) => a.accuracy }
    : { name: 'Win rate', value: (a) => a.winRate };
}

/** The report users read: does a pattern beat the best single model, and at what cost? */
export function renderMarkdown(report: EvalReport): string {
  const measure = measureOf(report);
  const bestName =
    report.bestSingle === null ? 'none (no single model has results)' : `**${escapeMarkdown(report.bestSingle)}**`;
  const lines = [
    `# Evaluation: ${escapeMarkdown(report.suite)} (${report.createdAt.slice(0, 10)})`,
    '',
    `| Arm | Kind | ${measure.name} % | Δ vs best single, points [95 % interval] | Cost $ | $ per point | ` +
      'Latency p50 / p95 s | Failed |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...report.arms.map((arm) =>
      [
        escapeMarkdown(arm.armId),
        arm.kind,
        percent(measure.value(arm)),
        deltaCell(arm, report.bestSingle),
        costCell(arm),
        arm.costPerPoint === null ? '—' : usd(arm.costPerPoint),
        `${seconds(arm.latencyP50Ms)} / ${seconds(arm.latencyP95Ms)}`,
        `${arm.failed} of ${arm.items}`,
      ].reduce((row, cell) => `${row} ${cell} |`, '|'),
    ),
    '',
    `Best single model: ${bestName}. ` +
      `Judge: ${report.judge === null ? 'none' : escapeMarkdown(report.judge)}` +
      `${report.baseline === null ? '' : `, against ${escapeMarkdown(report.baseline)}`}. ` +
      `${report.itemCount} items; total spent ${usd(report.totalCostUsd)} (answers and judgements).`,
  ];
  if (report.unreadableVerdicts > 0) {
    lines.push(
      '',
      `> **${report.unreadableVerdicts} of ${report.judgements} verdicts could not be read** (the judge did not end ` +
        'with [[A]], [[B]] or [[tie]]) and are left out of the win rates: use a stronger judge (--judge).',
    );
  }
  if (report.stoppedByBudget) {
    lines.push('', '> **Stopped by the budget** before every item was answered: the figures cover the answered items.');
  }
  lines.push(
    '',
    '**How to read this.** Δ is the arm minus the best single model, item by item, in percentage points; the ' +
      'interval is a 95 % paired bootstrap over the items both answered. An interval that contains 0 means no ' +
      'evidence of a difference; one wholly above 0 means the arm does better. "$ per point" is the extra cost per ' +
      'item for each point gained (0 when the gain costs nothing more).',
    '',
  );
  return lines.join('\n');
}

const WIDTH = 760;
const LABEL_WIDTH = 220;
const BAR_WIDTH = 380;
const ROW_HEIGHT = 30;
const TOP = 56;
const FONT = 'font-family="sans-serif" font-size="12"';

/** A self-contained horizontal bar chart: one bar per arm, the best single model's value dashed across. */
export function renderSvg(report: EvalReport): string {
  const measure = measureOf(report);
  const height = TOP + report.arms.length * ROW_HEIGHT + 40;
  const axisY = TOP + report.arms.length * ROW_HEIGHT;
  const title = `${report.suite}: ${measure.name.toLowerCase()} per arm (${report.createdAt.slice(0, 10)})`;
  const x = (value: number) => round(LABEL_WIDTH + Math.max(0, Math.min(1, value)) * BAR_WIDTH);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      `role="img" aria-label="${escapeXml(`${measure.name} per arm, ${report.suite}`)}">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="24" font-family="sans-serif" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${x(tick)}" y1="${TOP - 6}" x2="${x(tick)}" y2="${axisY}" stroke="#e0e0e0"/>`,
      `<text x="${x(tick)}" y="${axisY + 16}" ${FONT} text-anchor="middle" fill="#555555">${tick * 100} %</text>`,
    );
  }
  report.arms.forEach((arm, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const value = measure.value(arm);
    const isBest = arm.armId === report.bestSingle;
    const fill = isBest ? '#2e7d32' : arm.kind === 'model' ? '#90a4ae' : '#1565c0';
    parts.push(
      `<g><title>${escapeXml(arm.armId)}</title>`,
      `<text x="${LABEL_WIDTH - 8}" y="${y + 19}" ${FONT} text-anchor="end">` +
        `${escapeXml(shorten(arm.armId, 32))}</text>`,
    );
    if (value === null) {
      parts.push(`<text x="${LABEL_WIDTH + 4}" y="${y + 19}" ${FONT} fill="#777777">no data</text>`);
    } else {
      const label = `${percent(value)} % · ${usd(arm.costUsd)}`;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y + 6}" width="${round(x(value) - LABEL_WIDTH)}" ` +
          `height="${ROW_HEIGHT - 12}" fill="${fill}"/>`,
        `<text x="${x(value) + 6}" y="${y + 19}" ${FONT}>${escapeXml(label)}</text>`,
      );
    }
    parts.push('</g>');
  });
  const best = report.arms.find((a) => a.armId === report.bestSingle);
  const bestValue = best === undefined ? null : measure.value(best);
  if (bestValue !== null) {
    parts.push(
      `<line x1="${x(bestValue)}" y1="${TOP - 6}" x2="${x(bestValue)}" y2="${axisY}" stroke="#2e7d32" ` +
        'stroke-width="1.5" stroke-dasharray="5 4"/>',
      `<text x="${x(bestValue)}" y="${TOP - 10}" ${FONT} text-anchor="middle" fill="#2e7d32">best single</text>`,
    );
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}

function deltaCell(arm: ArmSummary, bestSingle: string | null): string {
  if (arm.armId === bestSingle) return 'best single';
  if (arm.vsBest === null) return '—';
  const { delta, low, high } = arm.vsBest;
  return `${signed(delta)} [${signed(low)}, ${signed(high)}]`;
}

function costCell(arm: ArmSummary): string {
  return arm.judgeCostUsd > 0 ? `${usd(arm.costUsd)} (+${usd(arm.judgeCostUsd)} judge)` : usd(arm.costUsd);
}

function percent(value: number | null): string {
  return value === null ? '—' : (value * 100).toFixed(1);
}

function signed(points: number): string {
  const text = Math.abs(points).toFixed(1);
  // -0.04 rounds to 0.0: no sign for what reads as zero.
  return text === '0.0' ? text : `${points > 0 ? '+' : '-'}${text}`;
}

/** Small costs need more digits than large ones to show at all. */
function usd(value: number): string {
  return `$${value >= 1 ? value.toFixed(2) : value.toFixed(4)}`;
}

function seconds(ms: number | null): string {
  return ms === null ? '—' : (ms / 1000).toFixed(1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Backslash-escapes what Markdown would read as syntax (table pipes, emphasis, HTML); newlines would end a row. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\|*_`[\]<>#]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

const XML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** Escapes text and attribute values; drops the control characters XML 1.0 does not allow at all. */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[<>&"']/g, (c) => XML_ENTITIES[c]);
}
