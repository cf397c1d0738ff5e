// What the concurrency bench reads from outside the provider-worker while it holds its calls: resident memory and
// CPU time from /proc (Linux), and the host's TCP listen-queue overflows.
'use strict';
const { readFileSync } = require('node:fs');

/** A `Vm…` line of /proc/<pid>/status, in MB (the kernel writes kB). */
function statusMb(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU time (ms, user + system) the process has used so far. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
}

/** The process' soft limit on open files: each call in flight holds one socket. */
function openFilesLimit(pid) {
  return Number(/^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1] ?? NaN);
}

/**
 * Connections the kernel dropped because a listening socket's accept queue was full (TcpExt ListenOverflows), for
 * the whole host: a burst of connections to the fake can overflow its backlog, and each dropped SYN costs the
 * client a 1 s retransmission, which would show as calls slower than the fake's latency.
 */
function listenOverflows() {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const header = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[header].split(/\s+/);
  const values = lines[header + 1].split(/\s+/);
  return Number(values[names.indexOf('ListenOverflows')]);
}

/** Samples the process' RSS (MB) every `everyMs` until stop(), which returns the samples. */
function startSampler(pid, everyMs) {
  const samples = [];
  const take = () => samples.push(statusMb(pid, 'VmRSS'));
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

module.exports = { cpuMs, listenOverflows, openFilesLimit, startSampler, statusMb };
