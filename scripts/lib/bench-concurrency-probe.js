// Preloaded into the provider-worker by the concurrency bench (`node --require`): records the event loop's lag
// every 10 ms with a wall-clock stamp, so the bench can take the p99 of exactly the window it cares about (while
// the calls are held in flight). A cumulative histogram (monitorEventLoopDelay, /metrics'
// nodejs_eventloop_lag_p99_seconds) mixes in start-up and the quiet minutes before, and cannot be cut afterwards.
// Every 100 ms it also notes V8's heap and the memory outside it, to tell what the resident memory holds.
// Does nothing unless BENCH_CONCURRENCY_PROBE_FILE names where SIGUSR2 writes the samples.
'use strict';
const { renameSync, writeFileSync } = require('node:fs');

const file = process.env.BENCH_CONCURRENCY_PROBE_FILE;
// Same resolution as prom-client's event-loop monitor: lag is how late a 10 ms timer fires.
const RESOLUTION_MS = 10;
const MB = 2 ** 20;

if (file) {
  const at = [];
  const lag = [];
  // [at, heapTotal, heapUsed, external] in MB; external includes the ArrayBuffers of sockets and streams.
  const memory = [];
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    at.push(Date.now());
    lag.push(Math.max(0, now - last - RESOLUTION_MS));
    last = now;
    if (at.length % 10 === 0) {
      const { heapTotal, heapUsed, external } = process.memoryUsage();
      memory.push([Date.now(), heapTotal / MB, heapUsed / MB, external / MB]);
    }
  }, RESOLUTION_MS).unref();
  process.on('SIGUSR2', () => {
    // Renamed into place, so the bench never reads a half-written file.
    writeFileSync(`${file}.part`, JSON.stringify({ resolutionMs: RESOLUTION_MS, at, lag, memory }));
    renameSync(`${file}.part`, file);
  });
}
