import type { AnalysisPage, AnalysisSummary } from '@ultra/contracts';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/api-client';
import { type HistoryFilters, historyPath } from './history-query';

export interface HistoryState {
  analyses: AnalysisSummary[];
  nextCursor: string | null;
  /** `first` while the filters' first page loads (the table is replaced), `more` while a next page is appended. */
  loading: 'first' | 'more' | null;
  error: unknown;
  loadMore: () => void;
  retry: () => void;
}

/** What has been shown for one query (`key`): a page answered for an older key is simply not current. */
interface Listing {
  key: string;
  analyses: AnalysisSummary[];
  nextCursor: string | null;
  error: unknown;
}

/** Pages of `GET /api/analyses` for the filters; a change of filters starts again from the first page. */
export function useHistory(filters: HistoryFilters): HistoryState {
  const [attempt, setAttempt] = useState(0);
  const [listing, setListing] = useState<Listing | null>(null);
  const [loadingMore, setLoadingMore] = useState<string | null>(null);
  const path = historyPath(filters);
  const key = `${attempt}:${path}`;

  useEffect(() => {
    let current = true;
    api.get<AnalysisPage>(path).then(
      (page) => current && setListing({ key, analyses: page.analyses, nextCursor: page.nextCursor, error: null }),
      (error: unknown) => current && setListing({ key, analyses: [], nextCursor: null, error }),
    );
    return () => {
      current = false;
    };
  }, [key, path]);

  const shown = listing?.key === key ? listing : null;
  const loadMore = useCallback(() => {
    if (!shown?.nextCursor || loadingMore === key) return;
    setLoadingMore(key);
    api.get<AnalysisPage>(historyPath(filters, shown.nextCursor)).then(
      (page) => {
        setListing((l) =>
          l?.key === key
            ? { key, analyses: [...l.analyses, ...page.analyses], nextCursor: page.nextCursor, error: null }
            : l,
        );
        setLoadingMore(null);
      },
      (error: unknown) => {
        setListing((l) => (l?.key === key ? { ...l, error } : l));
        setLoadingMore(null);
      },
    );
  }, [filters, shown, loadingMore, key]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return {
    analyses: shown?.analyses ?? [],
    nextCursor: shown?.nextCursor ?? null,
    loading: shown === null ? 'first' : loadingMore === key ? 'more' : null,
    error: shown?.error ?? null,
    loadMore,
    retry,
  };
}
