// The concurrency section's notes: what could have capped the calls, and for each target what the figures say
// about it, so a missed target comes with its reason and the next step.
'use strict';

function notesFor({ rows, lag, openFiles, settings }) {
  const { calls, latencyMs, workerConcurrency } = settings;
  const latency = latencyMs / 1000;
  const peak = rows['calls in flight at the fake vendor, peak'];
  const hwm = rows['worker RSS high-water mark, VmHWM (MB)'];
  const perCall = rows['worker RSS added per call at the peak (kB)'];
  const sent = rows['fake vendor received the last call after (s)'];
  const done = rows[`worker completed the last task after (s; ideal ${latency})`];
  const restarted = rows['tasks taken again after their lock expired'];
  const cpu = rows['worker CPU during the burst (s)'];
  const overflows = rows['TCP listen-queue overflows on the host during the burst'];
  const notes = [
    `Nothing but the worker itself capped the calls: WORKER_CONCURRENCY=${workerConcurrency}; no PROVIDER_LIMITS`,
    '(none by default); the `openai` SDK calls through Node’s fetch, whose global agent has no per-host connection',
    'limit, so each call holds its own socket; the fake (node:http) has no connection limit; the worker may open',
    `${openFiles} files (\`ulimit -n\`); the bench stack raises the tier limits, and nothing limits how many analyses`,
    'one user has in flight.',
    '',
  ];
  if (peak >= calls) {
    notes.push(
      `The worker held all ${calls} calls open at once: the last reached the fake ${sent} s after the resume.`,
    );
  } else {
    notes.push(
      `**In flight not met:** the last call reached the fake ${sent} s after the resume (${rows['calls started per second']}`,
      `calls/s), while each answer comes ${latency} s after its call left, so the first calls ended before the last`,
      `began. Holding ${calls} at once needs them all started within ${latency} s, i.e.`,
      `${Math.round(calls / latency)} calls/s from one process; this worker spent ${rows['worker CPU per call (ms)']} ms`,
      'of CPU per call (taking the task from BullMQ, breaker and cache checks in Redis, the SDK request, then parsing',
      'the stream, publishing deltas and completing the task). Next step: profile the burst (`--cpu-prof` through',
      'startBenchStack’s nodeArgs) and cut the per-call work, or run more worker processes per host.',
    );
  }
  notes.push(
    '',
    `RSS: ${rows['worker RSS before the burst (MB)']} MB idle, ${hwm} MB at its peak (VmHWM, the kernel's exact peak;`,
    `the 100 ms samples can miss a short spike), about ${perCall} kB per call in flight. Of it, V8's heap`,
    `reached ${rows['worker V8 heap reserved (heapTotal), peak (MB)']} MB reserved`,
    `(${rows['worker V8 heap used, peak (MB)']} MB used) and the memory outside the heap (buffers)`,
    `${rows['worker memory outside the heap (external), peak (MB)']} MB; the rest is code, stacks and native memory.`,
  );
  if (hwm > 512) {
    notes.push(
      '',
      '**RSS not met:** the growth is mostly V8’s heap (above), i.e. per-call JavaScript state (the job, the SDK',
      'request and its stream, abort signals, spans) and garbage not yet collected. Next step: a heap snapshot at',
      'the peak (`--heapsnapshot-signal`) to find the largest per-call retainers.',
    );
  }
  notes.push(
    '',
    `Lag: the plateau held ${lag.plateau.samples} samples of the 10 ms timer (a tick that fires late by more than`,
    'its interval counts once, so a long block weighs one sample). While the calls only wait, the loop is idle;',
    `the lag comes from starting and finishing them: over the whole burst p99 was ${lag.burst.p99} ms, max`,
    `${lag.burst.max} ms, the loop spent ${lag.burst.blocked} s in stretches over 50 ms, and the last task`,
    `completed ${done} s after the resume (ideal ${latency} s). The worker used ${cpu} s of CPU in those ${done} s`,
    `(${Math.round((100 * cpu) / done)} % of one core): where that is well under 100 % while the loop was blocked,`,
    'the worker was waiting for a core the other processes held.',
  );
  if (!(lag.plateau.p99 <= 50)) {
    notes.push(
      '',
      '**Lag not met:** the calls still being started or finished overlap the plateau, and the worker runs them in',
      'long synchronous stretches (a batch of Redis replies, a batch of answered streams). Next step: a CPU profile',
      'of the burst (`--cpu-prof`); less work and fewer Redis round trips per call shorten each stretch.',
    );
  }
  if (restarted) {
    notes.push(
      '',
      `${restarted} tasks lost their lock while the worker's loop was blocked longer than WORKER_LOCK_DURATION_MS and`,
      rows['calls received by the fake'] === calls
        ? 'were taken again (the fake got no second call for them).'
        : `were taken again; the fake got ${rows['calls received by the fake']} calls for ${calls} tasks.`,
    );
  }
  if (overflows) {
    notes.push(
      '',
      `${overflows} connections overflowed a listen queue on this host during the burst (the fake listens with`,
      'a backlog of 4,096, this host’s usual somaxconn): each costs its call a 1 s SYN retransmission.',
    );
  }
  return notes;
}

module.exports = { notesFor };
