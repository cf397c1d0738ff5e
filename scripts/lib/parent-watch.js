// Node has no PR_SET_PDEATHSIG: a child that `npm start` spawns with an IPC channel learns that its supervisor died
// (SIGKILL, a closed terminal) when the channel disconnects, and must then stop by itself instead of living on
// as an orphan that holds ports and data.
'use strict';

const POLL_MS = 200;

/**
 * Once the parent has gone: waits until `idle()` (its clients have left) or `graceMs` have passed, then `stop()`s.
 * A stop that hangs ends the process anyway.
 */
function exitWithParent({ graceMs, idle, stop }) {
  if (!process.connected) return;
  process.once('disconnect', async () => {
    // Nobody reads this process's output any more; a write to the broken pipe must not crash the shutdown.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
    setTimeout(() => process.exit(1), graceMs + 10_000).unref();
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && !(await idle().catch(() => true))) {
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    await stop();
  });
}

/** Sends a message to the parent, if there is one, and resolves once it is written. */
function tellParent(message) {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send(message, () => resolve());
  });
}

module.exports = { exitWithParent, tellParent };
