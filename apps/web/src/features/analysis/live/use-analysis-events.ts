import { useEffect, useRef, useState } from 'react';
import type { PushEvent, PushEventType } from '@ultra/contracts';
import { api, ApiError } from '../../../api/api-client';

/** The `event:` names the gateway sends (README, Live progress); EventSource only dispatches named listeners. */
const EVENT_TYPES: PushEventType[] = [
  'analysis.started',
  'stage.started',
  'output.delta',
  'output.retrying',
  'output.completed',
  'output.failed',
  'aggregate.completed',
  'stage.completed',
  'analysis.completed',
  'analysis.failed',
];

const MAX_BACKOFF_MS = 15_000;

// contracts is types-only in the browser bundle, so its isFinalPushEvent is mirrored here.
const isFinal = (event: PushEvent) => event.type === 'analysis.completed' || event.type === 'analysis.failed';

export type Connection = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A refused token (the analysis is gone, or not ours) will not get better by retrying; a 5xx or 429 may. */
const isPermanent = (error: unknown) =>
  error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;

/**
 * Follows an analysis' push stream until its final event. EventSource resumes by itself with Last-Event-ID while
 * its token is good; once it gives up (the 60 s stream token expired, the gateway restarted), a fresh token and
 * `?lastEventId=` resume where it stopped, with a growing pause between tries.
 */
export function useAnalysisEvents(
  analysisId: string,
  onEvent: (event: PushEvent) => void,
): { connection: Connection; error: unknown } {
  const [connection, setConnection] = useState<Connection>('connecting');
  const [error, setError] = useState<unknown>(null);
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);

  useEffect(() => {
    let source: EventSource | undefined;
    let lastEventId: string | undefined;
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const stop = (state: Connection) => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
      setConnection(state);
    };
    const retry = () => {
      source?.close();
      if (stopped) return;
      failures += 1;
      setConnection('reconnecting');
      timer = setTimeout(() => void connect(), Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS));
    };
    const receive = (message: MessageEvent<string>) => {
      if (message.lastEventId) lastEventId = message.lastEventId;
      const event = JSON.parse(message.data) as PushEvent;
      handler.current(event);
      // The server closes the stream after the final event; EventSource would otherwise reconnect.
      if (isFinal(event)) stop('closed');
    };
    const connect = async () => {
      try {
        const { token } = await api.post<{ token: string }>(
          `/api/analyses/${encodeURIComponent(analysisId)}/stream-token`,
        );
        if (stopped) return;
        const query = new URLSearchParams({ token, ...(lastEventId && { lastEventId }) });
        source = new EventSource(`/api/analyses/${encodeURIComponent(analysisId)}/events?${query.toString()}`);
        source.onopen = () => {
          failures = 0;
          setConnection('open');
        };
        source.onerror = () => {
          if (source?.readyState === EventSource.CLOSED) retry();
          else setConnection('reconnecting');
        };
        for (const type of EVENT_TYPES) source.addEventListener(type, receive);
      } catch (cause) {
        if (stopped) return;
        if (isPermanent(cause)) {
          setError(cause);
          stop('closed');
        } else retry();
      }
    };

    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [analysisId]);

  return { connection, error };
}
