import type { AnalysisEstimate, AnalyzeRequest } from '@ultra/contracts';
import { useEffect, useState } from 'react';
import { api } from '../../api/api-client';

export const ESTIMATE_DEBOUNCE_MS = 500;

interface Answer {
  /** The request body (as JSON) the answer is for. */
  key: string;
  estimate?: AnalysisEstimate;
  error?: unknown;
}

export interface EstimateState {
  estimate?: AnalysisEstimate;
  error?: unknown;
  /** A newer request is waiting or in flight; what is shown is for an earlier one. */
  pending: boolean;
}

/**
 * `POST /api/analyze/estimate` for the request as it stands, asked again once the inputs have stopped changing for
 * `delayMs`; an answer to an outdated request is dropped. Errors are returned, never thrown.
 */
export function useEstimate(body: AnalyzeRequest | null, delayMs = ESTIMATE_DEBOUNCE_MS): EstimateState {
  const key = body ? JSON.stringify(body) : null;
  const [answer, setAnswer] = useState<Answer>();

  useEffect(() => {
    if (key === null) return;
    let live = true;
    const timer = setTimeout(() => {
      api.post<AnalysisEstimate>('/api/analyze/estimate', JSON.parse(key)).then(
        (estimate) => live && setAnswer({ key, estimate }),
        (error: unknown) => live && setAnswer({ key, error }),
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, delayMs]);

  if (key === null) return { pending: false };
  return { estimate: answer?.estimate, error: answer?.error, pending: answer?.key !== key };
}
