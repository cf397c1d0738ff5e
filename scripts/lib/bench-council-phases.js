// Where a council run's own time goes, from BullMQ's timestamps of its jobs: the gateway, the orchestrator starting
// it, each model stage's cycle beyond the vendor's latency, and the end (stored, then pushed to the client).
'use strict';
const { analysisEventsStream } = require('@ultra/contracts');
const { redisOptionsFromUrl } = require('@ultra/platform');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');
const { mean, round } = require('./bench-util');

// Stage runs of `council`: 0 answer, 1 rank, 2 the Borda tally (run inside the orchestrator's collect of the rank
// stage, so it has no job of its own), 3 the chair.
const COLLECTS = [0, 1, 3];

/**
 * Wall-clock points of one run (ms since the epoch, this machine's clock); null when BullMQ no longer holds one of
 * its jobs. The final event's time is its entry id in the analysis' push stream (the last entry).
 */
async function timelineOf(queues, redis, prefix, run) {
  const [start, finish, last, ...collects] = await Promise.all([
    queues.analyses.getJob(run.id),
    queues.results.getJob(`${run.id}_finish`),
    redis.xrevrange(analysisEventsStream(prefix, run.id), '+', '-', 'COUNT', 1),
    ...COLLECTS.map((i) => queues.analyses.getJob(`${run.id}_${i}`)),
  ]);
  if (!start || !finish || !last.length || collects.some((c) => !c)) return null;
  return {
    submitted: run.wallStart,
    queued: start.timestamp,
    started: start.processedOn,
    collected: collects.map((c) => c.processedOn),
    finishQueued: finish.timestamp,
    published: Number(last[0][0].split('-')[0]),
    atClient: run.wallEnd,
  };
}

/**
 * Mean of each phase over the runs BullMQ still holds, each beyond the vendor's latency where a model answers
 * within it; the phases add up to a run's time at the client.
 */
async function councilPhases(stack, runs, latencyMs) {
  const bull = { connection: redisOptionsFromUrl(stack.redisUrl), prefix: stack.prefix };
  const queues = { analyses: new Queue('analyses', bull), results: new Queue('results', bull) };
  const redis = new Redis(stack.redisUrl);
  try {
    const timelines = (await Promise.all(runs.map((run) => timelineOf(queues, redis, stack.prefix, run)))).filter(
      Boolean,
    );
    const phase = (fn) => round(mean(timelines.map(fn)));
    return {
      sample: timelines.length,
      rows: {
        'gateway: request in → analysis.start queued (auth, checks, stored by results) (ms)': phase(
          (t) => t.queued - t.submitted,
        ),
        'orchestrator picks analysis.start up (ms)': phase((t) => t.started - t.queued),
        'answer stage: cycle − model latency (ms)': phase((t) => t.collected[0] - t.started - latencyMs),
        'rank stage: cycle − model latency (ms)': phase((t) => t.collected[1] - t.collected[0] - latencyMs),
        'tally and chair stage: cycle − model latency (ms)': phase((t) => t.collected[2] - t.collected[1] - latencyMs),
        'orchestrator ends the run → analysis.finish queued (ms)': phase((t) => t.finishQueued - t.collected[2]),
        'results stores the end → analysis.completed in the push stream (ms)': phase(
          (t) => t.published - t.finishQueued,
        ),
        'gateway relays the final event → client (SSE) (ms)': phase((t) => t.atClient - t.published),
      },
    };
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    redis.disconnect();
  }
}

module.exports = { councilPhases };
