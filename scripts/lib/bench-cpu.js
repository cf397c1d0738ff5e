// CPU time of the bench's own child processes and of the whole machine, from /proc (Linux), to tell where the
// cores go while a benchmark loads the stack.
'use strict';
const { readFileSync } = require('node:fs');

const round = (n, digits = 2) => Number(n.toFixed(digits));

/** CPU time (ms) used so far by each service the bench started (its child processes, by name) and by the machine. */
function cpuSnapshot() {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/);
  const perService = {};
  for (const pid of children.filter(Boolean)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const name = /services\/([^/]+)\/dist/.exec(cmd)?.[1];
      if (!name) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      perService[name] = (perService[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // A process that ended meanwhile has nothing to count.
    }
  }
  const own = process.cpuUsage();
  perService['bench process (SDK client and fake vendor)'] = (own.user + own.system) / 1000;
  const [, ...times] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = times.reduce((sum, t) => sum + t, 0) * tick;
  const idle = (times[3] + times[4]) * tick;
  return { perService, busy: total - idle };
}

/** CPU ms per call of each service between two snapshots, and how busy the machine's cores were. */
function cpuPerCall(before, after, calls, seconds) {
  const rows = {};
  for (const [name, ms] of Object.entries(after.perService)) {
    rows[`CPU per call: ${name} (ms)`] = round((ms - (before.perService[name] ?? 0)) / calls);
  }
  rows['CPU per call: whole machine, incl. Redis and Postgres (ms)'] = round((after.busy - before.busy) / calls);
  rows['machine busy during the run (cores)'] = round((after.busy - before.busy) / 1000 / seconds);
  return rows;
}

module.exports = { cpuPerCall, cpuSnapshot };
