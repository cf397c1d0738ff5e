/**
 * What must leave before the process exits (buffered spans, Sentry events), registered by the telemetry entry.
 * A module of its own so the shutdown path needs no OpenTelemetry SDK in processes that never started one.
 */
const flushers: ((timeoutMs: number) => Promise<unknown>)[] = [];

export function onTelemetryFlush(flush: (timeoutMs: number) => Promise<unknown>): void {
  flushers.push(flush);
}

/** Runs every registered flush, bounded by `timeoutMs` in all; never throws. */
export async function flushTelemetry(timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.allSettled(flushers.map((flush) => flush(timeoutMs))), deadline]);
  clearTimeout(timer);
}
