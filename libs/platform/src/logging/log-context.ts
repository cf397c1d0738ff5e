import { AsyncLocalStorage } from 'node:async_hooks';
import { activeTraceIds } from '../telemetry/trace-context';

/** What every line logged while a job runs carries: its request, analysis and job. */
export type LogBindings = Record<string, string | number | undefined>;

const bindingsStore = new AsyncLocalStorage<LogBindings>();

/**
 * Runs `fn` with `bindings` on every line it logs. Unlike a child logger (nestjs-pino's runInContext), nothing is
 * serialized up front: the bindings cost only on the lines actually written, and a job on the hot path writes none
 * at the default level, while a child logger costs a redaction pass of its bindings for every job.
 */
export function runWithLogBindings<T>(bindings: LogBindings, fn: () => T): T {
  return bindingsStore.run(bindings, fn);
}

/** pino's mixin: the running job's bindings and the active trace's ids, merged into each line written. */
export function logMixin(): Record<string, unknown> {
  const bindings = bindingsStore.getStore();
  const ids = activeTraceIds();
  if (!ids) return bindings ?? {};
  return { ...bindings, traceId: ids.traceId, spanId: ids.spanId };
}
