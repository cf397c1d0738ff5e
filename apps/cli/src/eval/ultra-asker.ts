import type { AnalysisView, AnalyzeAccepted } from '@ultra/contracts';
import type { ApiClient } from '../api-client.js';
import { ApiError, NetworkError } from '../exit-codes.js';
import { followAnalysis } from '../follow/analysis-follower.js';
import type { AnswerRecord } from './eval-types.js';

/** What one question came back with: the part of an answer record the API decides. */
export type Asked = Pick<AnswerRecord, 'analysisId' | 'status' | 'text' | 'error' | 'costUsd' | 'latencyMs'>;

const silent = { update: () => undefined, stop: () => undefined };
/**
 * Busy answers are waited out: 429 (the tier's requests or analyses per minute, which an evaluation reaches by
 * design) for as long as the gateway says (`retryAfterS`), 503 and network errors with backoff; up to 30 tries.
 */
const BUSY_TRIES = 30;
const backoffMs = (attempt: number) => Math.min(1_000 * 2 ** attempt, 30_000);
/** Refusals no retry and no other item gets past (an expired login, the daily budget spent): the run stops. */
const FATAL_STATUSES = new Set([401, 402, 403]);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Asks Ultra one question through the public API, as any client would: POST /api/analyze, then follows the
 * analysis (event stream, else polling) to its end. A refused request or a failed analysis comes back as `failed`
 * with the reason Ultra gave (which names the model and category); only what ends the whole run is thrown.
 */
export class UltraAsker {
  /** Analyses started and not yet ended, so an interrupted run can cancel them. */
  readonly inFlight = new Set<string>();

  constructor(private readonly client: ApiClient) {}

  /** The latency runs from the submission Ultra accepted: time spent waiting out rate limits is not the arm's. */
  async ask(body: Record<string, unknown>, signal?: AbortSignal): Promise<Asked> {
    let started = performance.now();
    const failed = (analysisId: string | null, error: unknown): Asked => ({
      analysisId,
      status: 'failed',
      text: null,
      error: reasonOf(error),
      costUsd: 0,
      latencyMs: Math.round(performance.now() - started),
    });
    let accepted: AnalyzeAccepted;
    try {
      accepted = await this.submit(body, signal, (at) => (started = at));
    } catch (error) {
      if (error instanceof ApiError && FATAL_STATUSES.has(error.status)) throw error;
      return failed(null, error);
    }
    this.inFlight.add(accepted.id);
    try {
      const view = await followAnalysis(this.client, accepted.id, silent, { pollIntervalMs: 250 });
      return { ...outcomeOf(view), latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return failed(accepted.id, error);
    } finally {
      this.inFlight.delete(accepted.id);
    }
  }

  /** Best effort, bounded: a run stopped by Ctrl-C should not leave analyses spending on its account. */
  async cancelInFlight(): Promise<void> {
    const cancels = [...this.inFlight].map((id) =>
      this.client.json('POST', `/api/analyses/${encodeURIComponent(id)}/cancel`).catch(() => undefined),
    );
    await Promise.race([Promise.all(cancels), sleep(3_000)]);
  }

  private async submit(
    body: Record<string, unknown>,
    signal: AbortSignal | undefined,
    attempting: (at: number) => void,
  ): Promise<AnalyzeAccepted> {
    for (let attempt = 0; ; attempt++) {
      try {
        attempting(performance.now());
        return await this.client.json<AnalyzeAccepted>('POST', '/api/analyze', { body });
      } catch (error) {
        const wait = busyWaitMs(error, attempt);
        if (wait === undefined || attempt + 1 >= BUSY_TRIES || signal?.aborted) throw error;
        await sleep(wait, signal);
      }
    }
  }
}

/** How long to wait before trying a busy request again; undefined when the error is not a busy one. */
export function busyWaitMs(error: unknown, attempt: number): number | undefined {
  if (error instanceof NetworkError) return backoffMs(attempt);
  if (!(error instanceof ApiError)) return undefined;
  if (error.status === 503) return backoffMs(attempt);
  if (error.status !== 429) return undefined;
  const retryAfterS = (error.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
  // A little spread, so parallel tasks refused together do not all come back in the same millisecond.
  const jitter = Math.random() * 250;
  return typeof retryAfterS === 'number' && retryAfterS >= 0 ? retryAfterS * 1_000 + jitter : backoffMs(attempt);
}

function outcomeOf(view: AnalysisView): Omit<Asked, 'latencyMs'> {
  const costUsd = view.usage.costUsd ?? 0;
  if (view.status === 'completed' && view.result) {
    return { analysisId: view.id, status: 'completed', text: view.result.text, costUsd };
  }
  const error = view.error
    ? `${view.error.code}: ${view.error.message}`
    : `analysis ended ${view.status} without an answer`;
  return { analysisId: view.id, status: 'failed', text: null, error, costUsd };
}

function reasonOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.code} (HTTP ${error.status}): ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
