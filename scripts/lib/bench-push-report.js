// The push section's report: rows, targets and notes from what bench-push.js measured.
'use strict';
const { cpus } = require('node:os');
const { percentile, percentiles, round, target } = require('./bench-util');

const p50 = (values) => (values.length ? round(percentile(values, 50)) : NaN);

function pushReport({ settings, model, engine, batched, unbatched, load }) {
  const rows = {
    ...percentiles('token → SSE client, default DELTA_FLUSH_MS (50 ms),', batched.all),
    '… first token of an answer (written at once), p50 (ms)': p50(batched.first),
    '… later tokens (wait for the flush timer), p50 (ms)': p50(batched.later),
    ...percentiles('token → SSE client, DELTA_FLUSH_MS=0,', unbatched.all),
    'SSE clients connected at once (count)': load.connected,
    'SSE clients that never connected (count)': load.failed.length,
    'connect attempts refused with 503, then retried (count)': load.refusals.length,
    'SSE connect (request → 200 headers) p50 (ms)': p50(load.connectMs),
    'SSE connect p99 (ms)': load.connectMs.length ? round(percentile(load.connectMs, 99)) : NaN,
    [`connecting all clients, ${settings.connectInFlight} at a time (s)`]: round(load.connectSeconds, 1),
    ...percentiles(`token → SSE client with ${load.connected} clients connected,`, load.latencies),
    'tokens received under load (count)': load.latencies.length,
    'tokens expected but not received (count)': load.missing,
    'streams closed without analysis.completed (count)': load.unfinished,
    'gateway RSS before the clients (MiB)': round(load.rss.before, 1),
    'gateway RSS with all clients connected (MiB)': round(load.rss.connected, 1),
    'gateway RSS peak while streaming (MiB)': round(load.rss.peak, 1),
    'gateway memory per idle SSE connection (KiB)': round(
      ((load.rss.connected - load.rss.before) * 1024) / Math.max(1, load.connected),
      1,
    ),
    'gateway CPU while streaming (cores)': round(load.cores.gateway),
    'provider-worker CPU while streaming (cores)': round(load.cores.worker),
    'bench process (vendor and all clients) CPU while streaming (cores)': round(load.cores.bench),
    'bench process event-loop delay p99 while streaming (ms)': round(load.benchLagP99),
    'whole machine busy while streaming (cores)': round(load.cores.machine),
    'streaming phase, gates open → last stream closed (s)': round(load.seconds, 1),
  };
  const defaultP50 = rows['token → SSE client, default DELTA_FLUSH_MS (50 ms), p50 (ms)'];
  const targets = [
    target('token → SSE client p50 (default settings)', defaultP50, 10),
    target('SSE clients connected to one gateway', load.connected, 1000, { unit: 'clients', atLeast: true }),
  ];
  const later = rows['… later tokens (wait for the flush timer), p50 (ms)'];
  const firsts = rows['… first token of an answer (written at once), p50 (ms)'];
  const unbatchedP50 = rows['token → SSE client, DELTA_FLUSH_MS=0, p50 (ms)'];
  const notes = [
    "Each figure is one token's trip: the fake vendor's `res.write` of the chunk → provider-worker (openai SDK, " +
      'stream parsing) → `XADD` of an `output.delta` to the analysis’ Redis stream → the gateway’s blocking `XREAD` ' +
      '→ SSE frame → the client’s `data` event. Vendor and clients run in the bench process, so both ends are read ' +
      'on one clock; that process also parses every SSE frame of every client, which is part of the figures.',
    '',
    '**The flush timer sets the default figure.** The provider-worker writes the first piece of a call at once, ' +
      'then at most one `XADD` per `DELTA_FLUSH_MS` (50 ms) per call: a later token starts the flush timer and ' +
      `waits for it. With chunks ${settings.chunkDelayMs} ms apart ` +
      (settings.chunkDelayMs >= 50
        ? 'every later token is alone in its batch and waits the whole 50 ms'
        : 'a later token waits up to 50 ms, with those that come meanwhile') +
      `: later tokens p50 ${later} ms, first tokens p50 ${firsts} ms. With ` +
      "`DELTA_FLUSH_MS=0` (the setting's minimum) each token is written on the next timer turn and only the path " +
      `is left: p50 ${unbatchedP50} ms. The batching bounds Redis writes per call (at most 20 a second per ` +
      'streaming call instead of one per token), which keeps many concurrent streams cheap.',
  ];
  if (!targets[0].met) {
    notes.push(
      '',
      `The p50 ≤ 10 ms target is not met at default settings (${defaultP50} ms): ` +
        (unbatchedP50 <= 10
          ? 'the flush timer is the reason, not the path (see `DELTA_FLUSH_MS=0`). '
          : `even without the flush timer the path took ${unbatchedP50} ms on this machine (see its load). `) +
        'Next step: make the flush leading-edge in the provider-worker’s `DeltaPublisher` — write a piece at once ' +
        'when the last write of that call is at least `DELTA_FLUSH_MS` old, and batch only pieces that come sooner ' +
        '— which keeps the bound on writes and sends sparse tokens without a wait; or lower the default ' +
        '`DELTA_FLUSH_MS` to about 5 ms.',
    );
  }
  const maxStreams = Math.max(1000, settings.clients);
  notes.push(
    '',
    `**${settings.clients} SSE clients.** They follow ${settings.analyses} single-model analyses ` +
      `(${Math.ceil(settings.clients / settings.analyses)} per analysis, one user), all connected before any ` +
      'answer starts; the answers then start spread over one chunk interval. Each client is its own TCP ' +
      'connection through a `node:http` Agent with `maxSockets: Infinity` (not `fetch`, whose pool limits ' +
      `connections per origin). The gateway ran with \`SSE_MAX_STREAMS=${maxStreams}\` (default 1,000: a ` +
      'gateway refuses a stream with 503 when it already holds that many, so exactly 1,000 fit); no per-user ' +
      'limit counts open streams, and the bench stack’s tier allows 1,000,000 requests a minute. Every open ' +
      'stream holds a Redis connection of its own (a blocking `XREAD`), so the clients are as many Redis ' +
      'clients (Redis’ default `maxclients` is 10,000).',
  );
  const loadP50 = p50(load.latencies);
  const saturated = load.cores.machine >= 0.9 * cpus().length;
  notes.push(
    '',
    `Under load, tokens took p50 ${loadP50} ms to reach their clients, against ${defaultP50} ms with one client ` +
      `at the same settings. While streaming, the gateway used ${round(load.cores.gateway)} cores, the ` +
      `provider-worker ${round(load.cores.worker)}, the bench process ${round(load.cores.bench)} (its event-loop ` +
      `delay p99 ${round(load.benchLagP99)} ms, counted in the arrivals it holds up), the whole machine ` +
      `${round(load.cores.machine)} of its ${cpus().length} cores` +
      (saturated ? ': the machine was saturated, so the figures include waiting for a core, not only work.' : '.') +
      ` An idle open stream costs the gateway about ${rows['gateway memory per idle SSE connection (KiB)']} KiB ` +
      '(its socket, its Redis connection and their buffers).',
  );
  const refusals = [...new Set([...load.failed, ...load.refusals])];
  if (refusals.length) {
    notes.push(
      '',
      `Refused connects (a client retries a 503 up to twice, 1 s apart): ${refusals.slice(0, 5).join('; ')}. ` +
        'The gateway answers 503 when results does not answer its look-up of the analysis within 5 s ' +
        '(RESULTS_TIMEOUT_MS) or when it holds SSE_MAX_STREAMS streams.',
    );
  }
  if (!targets[1].met) {
    notes.push(
      '',
      settings.clients < 1000
        ? `This run asked for ${settings.clients} clients only (BENCH_PUSH_CLIENTS); rerun with the default 1000.`
        : `Only ${load.connected} of ${settings.clients} clients connected (see the refused connects above); next step: ` +
            'find which limit refused them (SSE_MAX_STREAMS, file descriptors, Redis maxclients) and raise it.',
    );
  }
  return {
    settings:
      `${engine} · 1 provider-worker · \`direct\` over ${model} (fake OpenAI vendor, ` +
      `${settings.chunks} chunks ${settings.chunkDelayMs} ms apart) · latency: ${settings.answers} answers, one ` +
      `client, each DELTA_FLUSH_MS on a stack of its own · load: ${settings.clients} SSE clients over ` +
      `${settings.analyses} analyses, default DELTA_FLUSH_MS`,
    rows,
    targets,
    notes,
  };
}

module.exports = { pushReport };
