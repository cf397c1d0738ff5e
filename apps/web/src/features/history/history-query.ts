import type { AnalysisStatus } from '@ultra/contracts';

/** What the History screen filters on; every field maps to one query parameter of `GET /api/analyses`. */
export interface HistoryFilters {
  q: string;
  status: AnalysisStatus | '';
  pattern: string;
  model: string;
  /** `yyyy-mm-dd` from the date inputs; the API reads a date as the whole day (UTC). */
  from: string;
  to: string;
}

export const emptyFilters: HistoryFilters = { q: '', status: '', pattern: '', model: '', from: '', to: '' };

export const PAGE_SIZE = 20;

/** The listing's URL for these filters; `cursor` asks for the page after the one that gave it. */
export function historyPath(filters: HistoryFilters, cursor?: string | null): string {
  const params = new URLSearchParams();
  const q = filters.q.trim();
  if (q) params.set('q', q);
  if (filters.status) params.set('status', filters.status);
  if (filters.pattern) params.set('pattern', filters.pattern);
  if (filters.model) params.set('model', filters.model);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  params.set('limit', String(PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  return `/api/analyses?${params.toString()}`;
}

/** The first line of a prompt, cut to fit a table cell. */
export function excerptOf(prompt: string, max = 120): string {
  const line = prompt.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line || '(empty prompt)';
}

const money = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatCost = (usd: number | undefined): string => (usd === undefined ? '—' : money.format(usd));
export const formatDate = (iso: string): string => when.format(new Date(iso));
