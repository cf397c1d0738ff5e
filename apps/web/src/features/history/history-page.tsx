import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { AnalysisStatus } from '@ultra/contracts';
import { Button, EmptyState, ErrorMessage, Loading, Page } from '../../components/ui';
import { HistoryFiltersForm } from './history-filters';
import { type HistoryFilters } from './history-query';
import { HistoryTable } from './history-table';
import { useHistory } from './use-history';
import './history.css';

const fields = ['q', 'status', 'pattern', 'model', 'from', 'to'] as const;

/** Filters live in the page's URL, so going back from an analysis returns to the same search. */
function useUrlFilters(): [HistoryFilters, (next: HistoryFilters) => void] {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const filters = useMemo(() => {
    const read = new URLSearchParams(key);
    return {
      q: read.get('q') ?? '',
      status: (read.get('status') ?? '') as AnalysisStatus | '',
      pattern: read.get('pattern') ?? '',
      model: read.get('model') ?? '',
      from: read.get('from') ?? '',
      to: read.get('to') ?? '',
    };
  }, [key]);
  const apply = (next: HistoryFilters) => {
    const out = new URLSearchParams();
    for (const field of fields) if (next[field].trim()) out.set(field, next[field].trim());
    setParams(out);
  };
  return [filters, apply];
}

export function HistoryPage() {
  const [filters, apply] = useUrlFilters();
  const { analyses, nextCursor, loading, error, loadMore, retry } = useHistory(filters);
  const filtered = fields.some((f) => filters[f] !== '');

  return (
    <Page title="History">
      <HistoryFiltersForm applied={filters} onApply={apply} />
      {loading === 'first' && <Loading label="Loading analyses…" />}
      {loading !== 'first' && error !== null && analyses.length === 0 && (
        <>
          <ErrorMessage error={error} />
          <Button variant="secondary" onClick={retry}>
            Try again
          </Button>
        </>
      )}
      {loading !== 'first' && error === null && analyses.length === 0 && (
        <EmptyState title={filtered ? 'No analyses match these filters.' : 'No analyses yet.'}>
          {!filtered && <Link to="/analyses/new">Start a new analysis</Link>}
        </EmptyState>
      )}
      {loading !== 'first' && analyses.length > 0 && (
        <>
          <p className="hint" aria-live="polite">
            {analyses.length} {analyses.length === 1 ? 'analysis' : 'analyses'} shown
            {nextCursor ? '; more available' : ''}
          </p>
          <HistoryTable analyses={analyses} />
          {error !== null && <ErrorMessage error={error} />}
          {loading === 'more' && <Loading label="Loading more…" />}
          {nextCursor && (
            <Button variant="secondary" className="history-more" disabled={loading === 'more'} onClick={loadMore}>
              Load more
            </Button>
          )}
        </>
      )}
    </Page>
  );
}
