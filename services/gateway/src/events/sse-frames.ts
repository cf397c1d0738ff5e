import { type AnalysisView, isFinalPushEvent, type PushEvent, pushEventsFromView } from '@ultra/contracts';

/** One SSE message: `id:` is the Redis stream entry id, `event:` the event's type, `data:` its JSON (one line). */
export function sseFrame(id: string, json: string, type: string): string {
  return `id: ${id}\nevent: ${type}\ndata: ${json}\n\n`;
}

export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/** The head of every event stream the gateway serves (push events and the compatible APIs' streams). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Proxies such as nginx would otherwise buffer the stream.
  'x-accel-buffering': 'no',
} as const;

/** A stream entry id as XREAD/XRANGE take it: `<ms>-<seq>`. */
export const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;

/** The events of a stored analysis, with their synthetic ids `0-<n>`. */
const SYNTHETIC_ID = /^0-(\d+)$/;

/**
 * The events a client gets from a rebuilt (expired) stream: those after its Last-Event-ID when that is a rebuilt
 * id; only the final one when it is an id of the expired stream (what it saw there cannot be matched any more).
 */
export function rebuiltEventsAfter(
  view: AnalysisView,
  lastEventId: string | undefined,
): { id: string; event: PushEvent }[] {
  const events = pushEventsFromView(view);
  if (lastEventId === undefined) return events;
  const synthetic = SYNTHETIC_ID.exec(lastEventId);
  if (synthetic) return events.slice(Number(synthetic[1]));
  return events.filter(({ event }) => isFinalPushEvent(event));
}

export function hasEnded(view: Pick<AnalysisView, 'status'>): boolean {
  return view.status === 'completed' || view.status === 'failed';
}
