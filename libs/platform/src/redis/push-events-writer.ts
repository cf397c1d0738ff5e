import {
  ANALYSIS_EVENTS_MAX_ENTRIES,
  analysisEventsSeenKey,
  analysisEventsStream,
  APPEND_PUSH_EVENTS_SCRIPT,
  pushEventArgs,
  type UnstampedPushEvent,
} from '@ultra/contracts';
import type { Redis } from 'ioredis';

export interface PushEventsTarget {
  queuePrefix: string;
  /** ANALYSIS_EVENTS_TTL_S: refreshed on every write. */
  ttlS: number;
}

/**
 * Appends events to an analysis' push stream in one atomic round trip; once-only events (see `dedupKeyOf`) are
 * added at most once however often they are written. The command is sent before this returns its promise.
 * Resolves to the ids of the entries added.
 */
export function appendPushEvents(
  redis: Redis,
  target: PushEventsTarget,
  analysisId: string,
  events: UnstampedPushEvent[],
): Promise<string[]> {
  if (events.length === 0) return Promise.resolve([]);
  const keys = [
    analysisEventsStream(target.queuePrefix, analysisId),
    analysisEventsSeenKey(target.queuePrefix, analysisId),
  ];
  const args = [String(ANALYSIS_EVENTS_MAX_ENTRIES), String(target.ttlS), ...pushEventArgs(events)];
  // EVAL, not EVALSHA: one command that is on the wire as soon as this is called, so callers can rely on its order
  // against their next command on another connection; Redis caches the compiled script by its hash anyway.
  return redis.eval(APPEND_PUSH_EVENTS_SCRIPT, keys.length, ...keys, ...args) as Promise<string[]>;
}
