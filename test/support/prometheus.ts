/** One metric family as parse-prometheus-text-format returns it (the package ships no types). */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: {
    labels?: Record<string, string>;
    value?: string;
    count?: string;
    sum?: string;
    buckets?: Record<string, string>;
  }[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const parse = require('parse-prometheus-text-format') as (text: string) => MetricFamily[];

/** The parsed exposition of a service's `/metrics`, failing on a non-200 or a non-text answer. */
export async function scrape(url: string): Promise<MetricFamily[]> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text}`);
  if (!response.headers.get('content-type')?.startsWith('text/plain')) throw new Error(`${url}: not Prometheus text`);
  // The parser folds a histogram's series into one and drops their labels; without its TYPE line each histogram
  // reads as its three untyped families, `<name>_bucket`, `<name>_sum` and `<name>_count`, labels intact.
  return parse(text.replace(/^# TYPE \S+ histogram\n/gm, ''));
}

/** The series of `name` (a histogram's: `<name>_count` and so on) whose labels include `labels`. */
export function seriesOf(families: MetricFamily[], name: string, labels: Record<string, string> = {}) {
  // A histogram's parts come per label set (buckets, sum, count, then the next set's), so a name recurs.
  return families
    .filter((f) => f.name === name)
    .flatMap((f) => f.metrics)
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** Sum over the matching series of a counter or gauge value, or of a histogram's observation count. */
export function total(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const histogram = families.some((f) => f.name === `${name}_count`);
  const series = seriesOf(families, histogram ? `${name}_count` : name, labels);
  return series.reduce((sum, m) => sum + Number(m.value ?? 0), 0);
}
