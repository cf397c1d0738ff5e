import { renderMarkdown, renderSvg } from './eval-report.js';
import type { ArmSummary, EvalReport } from './eval-types.js';

function armSummary(armId: string, extra: Partial<ArmSummary> = {}): ArmSummary {
  return {
    armId,
    kind: armId.startsWith('model:') ? 'model' : 'pattern',
    items: 10,
    failed: 0,
    accuracy: 0.6,
    winRate: null,
    costUsd: 0.2,
    judgeCostUsd: 0,
    latencyP50Ms: 1500,
    latencyP95Ms: 4200,
    vsBest: null,
    costPerPoint: null,
    ...extra,
  };
}

const report: EvalReport = {
  suite: 'gsm8k-mini',
  createdAt: '2026-12-01T12:34:56.000Z',
  arms: [
    armSummary('model:a', { accuracy: 0.5, costUsd: 0.1, vsBest: { delta: -10, low: -30, high: 0 } }),
    armSummary('model:b'),
    armSummary('pattern:<crit&que>', {
      accuracy: 0.9,
      costUsd: 0.5,
      failed: 2,
      vsBest: { delta: 30, low: 10, high: 50 },
      costPerPoint: 0.0012,
    }),
    armSummary('pattern:a|b', { accuracy: null, items: 0, latencyP50Ms: null, latencyP95Ms: null }),
  ],
  bestSingle: 'model:b',
  judge: null,
  baseline: null,
  unreadableVerdicts: 0,
  judgements: 0,
  totalCostUsd: 0.8,
  itemCount: 10,
  stoppedByBudget: false,
};

/**
 * A tiny XML checker, enough for what renderSvg writes: tags nest and close, attributes are quoted, unique and free
 * of `<`, text holds no `<`, `>` or bare `&`, and one root element holds everything. Returns the element names.
 */
function parseXml(xml: string): string[] {
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const entity = /&(?!(?:lt|gt|amp|quot|apos);)/;
  const stack: string[] = [];
  const names: string[] = [];
  let closedRoot = false;
  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (entity.test(text) || text.includes('>')) throw new Error(`bad text: ${text}`);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const match = tag.exec(xml);
    if (!match || closedRoot) throw new Error(`bad tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, closing, name, attributes, selfClosing] = match;
    const attributeNames = [...attributes.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => {
      if (entity.test(m[2])) throw new Error(`bare & in ${m[0]}`);
      return m[1];
    });
    if (new Set(attributeNames).size !== attributeNames.length) throw new Error(`repeated attribute in ${match[0]}`);
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
    } else if (!selfClosing) stack.push(name);
    closedRoot = stack.length === 0;
    names.push(name);
    i = tag.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(', ')}`);
  return names;
}

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(report);
  const rows = markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---'));

  it('titles the suite and date and shows each arm with its figures', () => {
    expect(markdown).toContain('# Evaluation: gsm8k-mini (2026-12-01)');
    expect(rows).toHaveLength(1 + report.arms.length);
    expect(rows[0]).toContain('Accuracy %');
    const pattern = rows.find((row) => row.includes('crit'));
    expect(pattern).toContain('| 90.0 |');
    expect(pattern).toContain('+30.0 [+10.0, +50.0]');
    expect(pattern).toContain('$0.5000');
    expect(pattern).toContain('$0.0012');
    expect(pattern).toContain('1.5 / 4.2');
    expect(pattern).toContain('2 of 10');
    expect(rows.find((row) => row.includes('model:a'))).toContain('-10.0 [-30.0, 0.0]');
    expect(rows.find((row) => row.includes('model:b'))).toContain('best single');
    expect(markdown).toContain('Best single model: **model:b**');
    expect(markdown).toContain('Judge: none');
    expect(markdown).toContain('95 % paired bootstrap');
    expect(markdown).toContain('contains 0 means no evidence of a difference');
  });

  it('keeps every row to its columns, escaping pipes and markup in names', () => {
    const columns = (row: string) => row.replace(/\\\|/g, '').split('|').length;
    expect(new Set(rows.map(columns)).size).toBe(1);
    expect(markdown).toContain('pattern:a\\|b');
    expect(markdown).toContain('pattern:\\<crit&que\\>');
  });

  it('notes a run stopped by the budget, and names win rates and the judge for open suites', () => {
    expect(markdown).not.toContain('Stopped by the budget');
    const open: EvalReport = {
      ...report,
      judge: 'openai:gpt-4o',
      baseline: 'model:a',
      unreadableVerdicts: 3,
      judgements: 40,
      stoppedByBudget: true,
      arms: report.arms.map((a) => ({ ...a, accuracy: null, winRate: 0.25, judgeCostUsd: 0.03 })),
    };
    const text = renderMarkdown(open);
    expect(text).toContain('Stopped by the budget');
    expect(text).toContain('Win rate %');
    expect(text).toContain('| 25.0 |');
    expect(text).toContain('(+$0.0300 judge)');
    expect(text).toContain('Judge: openai:gpt-4o, against model:a');
    expect(text).toContain('3 of 40 verdicts could not be read');
    expect(markdown).not.toContain('could not be read');
  });
});

describe('renderSvg', () => {
  const svg = renderSvg(report);

  it('is well-formed XML with one bar per arm that has a value', () => {
    const names = parseXml(svg);
    expect(names[0]).toBe('svg');
    // One background rectangle, then the bars; the arm without a value says so instead.
    expect(names.filter((n) => n === 'rect')).toHaveLength(1 + 3);
    expect(svg).toContain('no data');
    expect(svg).not.toMatch(/<script|href=|@import|url\(/);
  });

  it('escapes names and labels each bar with its value and cost', () => {
    expect(svg).toContain('pattern:&lt;crit&amp;que&gt;');
    expect(svg).not.toContain('<crit');
    expect(svg).toContain('90.0 % · $0.5000');
    expect(svg).toContain('60.0 % · $0.2000');
  });

  it("draws the best single model's value as a dashed line", () => {
    const line = /<line x1="([\d.]+)"[^>]*stroke-dasharray/.exec(svg);
    expect(line).not.toBeNull();
    const bestBar = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="#2e7d32"/.exec(svg);
    expect(bestBar).not.toBeNull();
    expect(Number(line?.[1])).toBeCloseTo(Number(bestBar?.[1]) + Number(bestBar?.[2]), 5);
  });

  it('fits a dozen arms, hostile names included, inside its height', () => {
    const many: EvalReport = {
      ...report,
      suite: 'a "quoted" <suite> & more',
      arms: Array.from({ length: 12 }, (_, i) => armSummary(`pattern:${'x'.repeat(i * 5)}<&>'"\u0001`)),
    };
    const text = renderSvg(many);
    parseXml(text);
    expect(text).not.toContain('\u0001');
    const height = Number(/<svg[^>]* height="(\d+)"/.exec(text)?.[1]);
    const bottoms = [...text.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g)].map(
      (m) => Number(m[1]) + Number(m[2]),
    );
    expect(bottoms).toHaveLength(13);
    expect(Math.max(...bottoms)).toBeLessThanOrEqual(height);
  });
});
