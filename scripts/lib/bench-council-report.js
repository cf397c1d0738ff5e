// The council section's figures, targets and notes, from what bench-council.js measured.
'use strict';
const { percentile, percentiles, round, target } = require('./bench-util');

// From the issue's text, for the peer that this machine cannot run (see the notes).
const PEER = { name: 'karpathy/llm-council', ownMs: 700, runsPerSecond: 0.63, p50Seconds: 35 };

/** The largest entry of a table (its label without the unit) and its value. */
function largest(rows) {
  const [label, value] = Object.entries(rows).sort((a, b) => b[1] - a[1])[0];
  return { label: label.replace(/ \([^)]*\)$/, ''), value };
}

/** Why the targets were not met, and the next step, from where the CPU and the time went. */
function shortfall({ busy, cores, ownPerRun, machinePerRun, hungriest, slowest }) {
  const share = ownPerRun / machinePerRun;
  const service = hungriest.label.replace('CPU per run: ', '');
  if (busy >= 0.85 * cores && share < 0.5) {
    return (
      `Targets not met, and this run cannot say why: the cores were busy, but only ${round(100 * share, 0)} % of ` +
      'their time went to Ultra’s services and the bench process; the rest was Redis, Postgres and other work on ' +
      'the machine. Next step: run the section on a machine of its own.'
    );
  }
  if (busy >= 0.85 * cores) {
    return (
      `Targets not met: the run was CPU-bound (${busy} of ${cores} cores busy, ${round(100 * share, 0)} % of it in ` +
      `Ultra’s services and the bench process), so every hop waits for a core. 25 runs/s on ${cores} cores leaves ` +
      `${round((cores * 1000) / 25)} ms of CPU per run, Redis and Postgres included; the machine spent ` +
      `${machinePerRun} ms. Next step: profile ${service}, which uses the most (startBenchStack’s nodeArgs: ` +
      '--cpu-prof), and cut the work per model call and per stage, or give the services more cores.'
    );
  }
  return (
    `Targets not met without the cores being saturated (${busy} of ${cores} busy): the time goes to waiting, most ` +
    `in “${slowest.label}”. Next step: look at that phase’s queueing and Redis round trips.`
  );
}

/**
 * `measured`: { runs: [{ms}], seconds, cpu (bench-cpu rows for the runs), phases: { sample, rows }, refused,
 * ballots }; `setup`: { settings, models, chair, modelStages, callsPerRun, engine, cores, loadAtStart }.
 */
function councilReport(measured, setup) {
  const { settings, models, chair, modelStages, callsPerRun, engine } = setup;
  const { runs, seconds, cpu, phases, refused, ballots } = measured;
  const times = runs.map((r) => r.ms);
  const ideal = modelStages * settings.latencyMs;
  const p50 = percentile(times, 50);
  const inFlight = `${settings.inFlight} in flight`;
  const rows = {
    ...percentiles('council run, submit → final event', times),
    [`throughput, ${inFlight} (runs/s)`]: round(runs.length / seconds, 1),
    [`throughput, ${inFlight} (model calls/s)`]: round((runs.length * callsPerRun) / seconds, 0),
    [`ideal run: ${modelStages} model stages × ${settings.latencyMs} ms (ms)`]: ideal,
    [`ideal throughput, ${inFlight}: in flight ÷ ideal run (runs/s)`]: round((settings.inFlight * 1000) / ideal, 1),
    "Ultra's own time per run, p50 − ideal (ms)": round(p50 - ideal),
    'submissions refused with 503 and retried (count)': refused,
  };
  const cpuRows = Object.fromEntries(
    Object.entries(cpu).map(([k, v]) => [
      k.replace('CPU per call', 'CPU per run').replace(' (SDK client', ' (SSE client'),
      v,
    ]),
  );
  const busy = cpu['machine busy during the run (cores)'];
  const machinePerRun = cpu['CPU per call: whole machine, incl. Redis and Postgres (ms)'];
  const services = Object.fromEntries(Object.entries(cpuRows).filter(([k]) => /^CPU per run: [a-z-]+ \(ms\)$/.test(k)));
  // The bench's own processes; the whole machine's figure also counts Redis, Postgres and anything else running.
  const own = Object.entries(cpu).filter(([k]) => !/whole machine|machine busy/.test(k));
  const ownPerRun = round(own.reduce((sum, [, ms]) => sum + ms, 0));
  cpuRows['CPU per run: the services and the bench process together (ms)'] = ownPerRun;
  const hungriest = largest(services);
  const slowest = largest(phases.rows);
  const targets = [
    target(`council run p50, ${inFlight}`, round(p50), 2000),
    target(`council throughput, ${inFlight}`, rows[`throughput, ${inFlight} (runs/s)`], 25, {
      unit: 'runs/s',
      atLeast: true,
    }),
  ];
  const notes = [
    `Every model answers after ${settings.latencyMs} ms, so no run can be shorter than ${modelStages} × ` +
      `${settings.latencyMs} ms = ${ideal} ms (the Borda tally needs no model). With ${settings.inFlight} runs ` +
      'always in flight, throughput is in flight ÷ run time (Little’s law): the ideal is ' +
      `${rows[`ideal throughput, ${inFlight}: in flight ÷ ideal run (runs/s)`]} runs/s, and ≥ 25 runs/s asks for ` +
      `a mean run of at most ${round(settings.inFlight / 25, 2)} s (at 50 in flight, the p50 target’s 2 s).`,
    `Ultra’s own time per run is ${round(p50 - ideal)} ms at the median. The phases (means over the ` +
      `${phases.sample} runs whose BullMQ jobs were still kept) show where it goes; the largest is “${slowest.label}” ` +
      `(${slowest.value} ms). A stage cycle beyond the latency covers the orchestrator adding the stage’s tasks, ` +
      'the provider-workers taking them, the vendor call’s own HTTP time, storing each output and BullMQ handing the ' +
      'stage back.',
    `CPU: the machine was ${busy} of ${setup.cores} cores busy. A run costs ${ownPerRun} ms of CPU in Ultra’s ` +
      `services and the bench process (${callsPerRun} model calls, ${modelStages + 1} stage runs, the SSE stream), ` +
      `which alone caps throughput near ${round((setup.cores * 1000) / ownPerRun, 1)} runs/s on these cores; the ` +
      `machine as a whole spent ${machinePerRun} ms per run, Redis, Postgres and any other work on it included. ` +
      `The service that uses most is ${hungriest.label.replace('CPU per run: ', '')} (${hungriest.value} ms per run, ` +
      'all its processes together).',
    `Provider-workers run with WORKER_CONCURRENCY ${settings.workerConcurrency} (default 64): ${settings.inFlight} ` +
      `runs hold up to ${settings.inFlight * models.length} model calls at once, and the calls only wait on the ` +
      'vendor, so no call waits for a slot. The gateway requires the ultra model to be one of the analysis’ models, ' +
      `so the chair (${chair}) is also a council member; the run makes the same ${callsPerRun} calls in the same ` +
      `three waits as with a fourth model. The results confirm real ballots: the last run’s tally counted ${ballots}.`,
    `Peer: ${PEER.name} was not run. Its backend (Python, FastAPI, httpx) would need its OpenRouter URL patched to ` +
      'the fake and its Python dependencies (those exist as Debian packages), but this machine reaches only the npm ' +
      'registry and Debian’s packages, so the bench cannot fetch its source at run time, and copying another ' +
      `project’s code into this repository is not an option. From the issue, not this run: it spends about ${PEER.ownMs} ms of its own per run ` +
      `and manages ${PEER.runsPerSecond} runs/s with a ${PEER.p50Seconds} s p50 at 50 concurrent runs (500 ms model ` +
      'latency).',
  ];
  if (targets.some((t) => !t.met))
    notes.push(shortfall({ busy, cores: setup.cores, ownPerRun, machinePerRun, hungriest, slowest }));
  if (setup.loadAtStart > setup.cores) {
    notes.push(
      `The 1-minute load average was ${setup.loadAtStart} on ${setup.cores} cores when the section started: a ` +
        'trailing average, so it counts the sections run just before too; if other work shared the machine, these ' +
        'figures understate what Ultra does on a machine of its own.',
    );
  }
  return {
    engine,
    settings:
      `${engine} · ${settings.workers} provider-workers (WORKER_CONCURRENCY ${settings.workerConcurrency}) · ` +
      `\`council\` over ${models.join(', ')} (chair ${chair}) on the fake OpenAI vendor, every reply after ` +
      `${settings.latencyMs} ms · ${settings.warmUp} warm-up runs, then ${runs.length} runs, ${inFlight}`,
    intro: [
      'A run is timed at the client: from `POST /api/analyze` to the `analysis.completed` event on',
      '`GET /api/analyses/:id/events` (SSE, one connection per run, no polling). Each run makes',
      `${callsPerRun} model calls: ${models.length} answers, ${models.length} rankings (JSON, each ranking the answers it`,
      'was shown) and the chair’s synthesis; the Borda tally runs in the orchestrator. The fake OpenAI vendor',
      '(tools/fake-llm) answers every call after the latency in the settings, and a rank prompt with a valid JSON',
      'ranking.',
    ],
    rows,
    tables: {
      [`Where Ultra's own time goes, mean per run, ${inFlight}`]: phases.rows,
      [`CPU per council run, ${inFlight}`]: cpuRows,
    },
    targets,
    // One paragraph each.
    notes: notes.flatMap((note, i) => (i ? ['', note] : [note])),
  };
}

module.exports = { councilReport };
