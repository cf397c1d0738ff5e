// An exclusive lock on a data directory, so that two `npm start` (two terminals, say) never open one embedded
// Postgres: PGlite has no lock of its own and two writers corrupt it. The lock is a file beside the directory
// (<dir>.lock), created atomically (link(2) fails if it exists), naming the processes that hold it. It cannot go
// stale: a holder counts only while it runs (kill(pid, 0)) and, on Linux, is still the process that took the lock
// (its start time in /proc, so a recycled pid does not count). A lock whose holders are all gone is taken over.
'use strict';
const { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');

class DataDirLockedError extends Error {
  constructor(dir, holder, since) {
    super(
      `the data directory ${dir} is in use by ${holder.name} (pid ${holder.pid}, since ${since}). ` +
        'Stop that one first (Ctrl-C in its terminal), or give this one its own EMBEDDED_PG_DIR and EMBEDDED_PG_PORT.',
    );
    this.name = 'DataDirLockedError';
    this.holder = holder;
  }
}

/** State and start time of a process as the kernel reports them (Linux), or null where /proc is not there. */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: fields[19] ?? null };
  } catch {
    return null;
  }
}

function isRunning({ pid, startTime }) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  const now = procStat(pid);
  // A zombie has exited; its parent (or init, for an orphan) just has not reaped it yet.
  if (now && (now.state === 'Z' || now.state === 'X')) return false;
  return !startTime || !now || now.startTime === startTime;
}

function readLock(path) {
  try {
    const text = readFileSync(path, 'utf8');
    return { text, lock: JSON.parse(text) };
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    // Unreadable or half written by a crash: nobody can be shown to hold it.
    return { text: null, lock: { holders: [] } };
  }
}

/** Writes `content` to `path` in one step: created only if absent (exclusive), else replaced. */
function writeAtomically(path, content, exclusive) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o644 });
  try {
    if (exclusive) linkSync(temporary, path);
    else renameSync(temporary, path);
  } finally {
    if (exclusive) unlinkSync(temporary);
  }
}

function me(name) {
  return { pid: process.pid, startTime: procStat(process.pid)?.startTime ?? null, name };
}

/**
 * Takes the lock of `dir` for this process (shown to others as `name`), or throws DataDirLockedError naming the
 * holder. When `joinParent` is set and this process's parent holds the lock, this process joins it instead, so the
 * lock lasts as long as either of them runs (embedded Postgres outlives a killed supervisor for a moment).
 * Returns { takenOver, release() }: `takenOver` holds the holders of a stale lock that was replaced.
 */
function acquireDataLock(dir, name, { joinParent = false } = {}) {
  const path = `${dir}.lock`;
  // The lock sits beside the directory, whose parent may not exist yet (a first start with EMBEDDED_PG_DIR set).
  mkdirSync(dirname(path), { recursive: true });
  let takenOver = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const since = new Date().toISOString();
    try {
      writeAtomically(path, JSON.stringify({ since, holders: [me(name)] }), true);
      return { takenOver, release: () => releaseIfOurs(path, since) };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const current = readLock(path);
    if (!current) continue;
    const running = current.lock.holders.filter(isRunning);
    if (joinParent && running.some((h) => h.pid === process.ppid)) {
      writeAtomically(path, JSON.stringify({ ...current.lock, holders: [...running, me(name)] }), false);
      return { takenOver: null, release: () => undefined };
    }
    if (running.length > 0) throw new DataDirLockedError(dir, running[0], current.lock.since);
    // Stale: remove it unless another starter replaced it meanwhile, then create ours.
    if (readLock(path)?.text === current.text) {
      unlinkSync(path);
      takenOver = current.lock.holders;
    }
  }
  throw new Error(`could not take the lock ${path}: other processes keep changing it`);
}

/** Removes the lock if it is still the one this process created (not one a later start took over). */
function releaseIfOurs(path, since) {
  const current = readLock(path)?.lock;
  if (current?.since !== since || current.holders[0]?.pid !== process.pid) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

module.exports = { acquireDataLock, DataDirLockedError };
