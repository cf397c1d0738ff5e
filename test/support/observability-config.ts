import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const OBSERVABILITY_DIR = resolve(__dirname, '../../deploy/observability');

const read = (file: string) => readFileSync(resolve(OBSERVABILITY_DIR, file), 'utf8');

/** The PromQL expressions of deploy/observability: every alert rule's and every dashboard panel's. */
export function observabilityExpressions(): { where: string; expr: string }[] {
  const rules = parse(read('alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  const dashboard = JSON.parse(read('grafana/dashboards/ultra.json')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  return [
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ];
}

const FUNCTIONS = new Set(['rate', 'sum', 'max', 'deriv', 'histogram_quantile', 'by', 'and', 'or', 'le']);

/** The metric names an expression reads (a histogram's `_bucket`/`_count`/`_sum` as its own name). */
export function metricNamesOf(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '');
  const names =
    withoutLabels.match(
      /\b[a-z_][a-z0-9_]*_(?:total|seconds|bytes|jobs|state|connections|bucket|count|sum|usd_total)\b/g,
    ) ?? [];
  return [...new Set(names.filter((n) => !FUNCTIONS.has(n)).map((n) => n.replace(/_(bucket|count|sum)$/, '')))];
}
