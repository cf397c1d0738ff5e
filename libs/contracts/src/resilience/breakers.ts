/**
 * Circuit breakers, shared by every provider-worker through Redis: the workers write a breaker's state, the
 * gateway reads it (model status in `/api/available-models`, preflight at submit) and anyone may listen to its
 * changes on `breakerEventsChannel`.
 */
export const BreakerState = {
  /** Calls flow; failures are counted in a sliding window. */
  Closed: 'closed',
  /** Calls fail fast (to the fallback) until the cool-down has passed. */
  Open: 'open',
  /** The cool-down has passed: one probe call is let through; its outcome closes or re-opens the breaker. */
  HalfOpen: 'half_open',
} as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

/** A breaker guards one provider (`openai`) or one model (`openai:gpt-4.1`). */
export type BreakerScope = 'provider' | 'model';

/** The Redis hash of one breaker: fields `state`, `openedAt` (epoch ms), `reopenAt` (epoch ms), `reason`. */
export function breakerKey(queuePrefix: string, scope: BreakerScope, id: string): string {
  return `${queuePrefix}:breaker:${scope}:${id}`;
}

/** The Redis pub/sub channel on which every breaker's state changes are published (JSON `BreakerEvent`). */
export function breakerEventsChannel(queuePrefix: string): string {
  return `${queuePrefix}:events:breakers`;
}

export interface BreakerEvent {
  type: 'breaker.state';
  scope: BreakerScope;
  /** The provider id or the model id. */
  id: string;
  from: BreakerState;
  to: BreakerState;
  /** What made it change: the failures that opened it, the probe that closed it. */
  reason: string;
  at: string;
}

/** What the gateway shows of an open (or half-open) breaker. */
export interface BreakerSnapshot {
  scope: BreakerScope;
  id: string;
  state: BreakerState;
  reason: string;
  openedAt: number;
  reopenAt: number;
}

/** The orchestrator's working memory of one analysis (a Redis hash); its absence means that state was lost. */
export function analysisContextKey(queuePrefix: string, analysisId: string): string {
  return `${queuePrefix}:analysis-context:${analysisId}`;
}
