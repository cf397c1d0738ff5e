import type { AnalyzeAccepted } from '@ultra/contracts';
import type { ApiClient } from '../../support/api';

export interface LoadOptions {
  analyses: number;
  /** The models of the n-th analysis. */
  models: (n: number) => string[];
  pattern: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Spreads the submissions over this long, so traffic goes on while a fault comes and goes. */
  spreadMs?: number;
  /** How long one analysis may keep answering 503 (a dependency down) before it counts as refused. */
  retryForMs?: number;
  /** Makes the Idempotency-Key of each submission unique to the run, so a retried submission is the same analysis. */
  runId: string;
}

export interface Load {
  /** Ids the gateway accepted (202): each must end, none may be lost. */
  accepted: string[];
  /** 503 answers that were retried (README: a 503 from analyze means nothing was queued). */
  unavailable: number;
  /** Analyses never accepted within `retryForMs`, with the last answer. */
  refused: { n: number; status: number; body: unknown }[];
  /** Refused at submit, before anything was spent, because a model's breaker was open (the preflight's 400). */
  preflightRefused: number;
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** The gateway's answer while another request with the same Idempotency-Key is in progress: retry it. */
const inProgress = (status: number, body: unknown) =>
  status === 409 && (body as ErrorBody | null)?.error?.code === 'idempotency_in_progress';

/** The preflight's answer for a model behind an open breaker without a fallback. */
const breakerOpen = (status: number, body: unknown) => {
  const error = (body as ErrorBody | null)?.error;
  return status === 400 && error?.code === 'model_unavailable' && /circuit breaker/.test(error.message ?? '');
};

/**
 * Submits analyses as a client would: 202 is accepted; 503, no answer (the gateway is down) and 409
 * `idempotency_in_progress` are retried after a short pause with the same Idempotency-Key; a 400 for a model behind
 * an open breaker is the preflight doing its job (counted apart); anything else is refused.
 * `load` fills in while `done` is pending, so a scenario can strike once enough analyses are in flight.
 */
export function startLoad(user: ApiClient, options: LoadOptions): { load: Load; done: Promise<void> } {
  const load: Load = { accepted: [], unavailable: 0, refused: [], preflightRefused: 0 };
  const concurrency = options.concurrency ?? 8;
  const started = Date.now();
  let next = 0;
  const submitOne = async (n: number) => {
    const deadline = Date.now() + (options.retryForMs ?? 90_000);
    for (;;) {
      const res = await user
        .request<AnalyzeAccepted>(
          'POST',
          '/api/analyze',
          {
            prompt: `Chaos analysis ${n}: why is the sky blue?`,
            models: options.models(n),
            pattern: options.pattern,
          },
          { 'idempotency-key': `${options.runId}-${n}` },
        )
        .catch((error: unknown) => ({ status: 0, body: String(error) }));
      if (res.status === 202) {
        load.accepted.push((res.body as AnalyzeAccepted).id);
        return;
      }
      if (breakerOpen(res.status, res.body)) {
        load.preflightRefused++;
        return;
      }
      const retryable = res.status === 503 || res.status === 0 || inProgress(res.status, res.body);
      if (retryable && Date.now() < deadline) {
        load.unavailable++;
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      load.refused.push({ n, status: res.status, body: res.body });
      return;
    }
  };
  const lane = async () => {
    while (next < options.analyses) {
      const n = next++;
      const due = started + ((options.spreadMs ?? 0) * n) / options.analyses;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      await submitOne(n);
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, lane)).then(() => undefined);
  return { load, done };
}

/** Resolves once `count` analyses have been accepted (or the load has ended). */
export async function acceptedAtLeast(load: Load, done: Promise<void>, count: number): Promise<void> {
  let ended = false;
  void done.then(() => (ended = true));
  while (load.accepted.length < count && !ended) await new Promise((r) => setTimeout(r, 20));
}
