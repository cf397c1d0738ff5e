// Runs each service as its own process: prefixes its log lines, restarts it when it dies, stops it on request.
'use strict';
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');

/** What a service exits with when its configuration is invalid (see libs/platform bootstrap). */
const CONFIG_ERROR_EXIT_CODE = 78;
const COLORS = [36, 35, 33, 32, 34, 31, 96, 95];
const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const CONTEXT_KEYS = ['requestId', 'analysisId', 'model', 'stage', 'latencyMs', 'status'];

/** A readable rendering of a service's JSON log line; raw output passes through unchanged. */
function render(line, json) {
  if (json) return line;
  try {
    const entry = JSON.parse(line);
    if (typeof entry !== 'object' || entry === null || !('msg' in entry)) return line;
    const context = CONTEXT_KEYS.filter((k) => entry[k] !== undefined).map((k) => `${k}=${JSON.stringify(entry[k])}`);
    const request = entry.req
      ? ` ${entry.req.method} ${entry.req.url} → ${entry.res?.statusCode} in ${entry.responseTime} ms`
      : '';
    const error = entry.err ? ` ${entry.err.message ?? ''}` : '';
    return `${LEVELS[entry.level] ?? entry.level} ${entry.msg}${request}${error}${context.length ? `  ${context.join(' ')}` : ''}`;
  } catch {
    return line;
  }
}

class ManagedProcess {
  constructor({ name, script, env, index, json, onConfigError, stopTimeoutMs }) {
    Object.assign(this, { name, script, env, json, onConfigError, stopTimeoutMs });
    this.color = COLORS[index % COLORS.length];
    this.restarts = 0;
    this.stopping = false;
    this.child = null;
  }

  print(stream, line) {
    const prefix = process.stdout.isTTY ? `\x1b[${this.color}m[${this.name}]\x1b[0m` : `[${this.name}]`;
    stream.write(`${prefix} ${render(line, this.json)}\n`);
  }

  start() {
    const startedAt = Date.now();
    // Its own process group: Ctrl-C reaches only the supervisor, which then stops the services in order. The IPC
    // channel is how the service notices that the supervisor died (it disconnects): it then shuts down by itself.
    this.child = spawn(process.execPath, [this.script], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.print(process.stdout, line));
    createInterface({ input: this.child.stderr }).on('line', (line) => this.print(process.stderr, line));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        resolve();
        if (this.stopping) return;
        if (code === CONFIG_ERROR_EXIT_CODE) {
          this.print(process.stderr, 'cannot start with this configuration (see above); not restarting');
          this.onConfigError?.(this);
          return;
        }
        // Back off when a service keeps dying right after start, so a config error does not spin the CPU.
        if (Date.now() - startedAt > 60_000) this.restarts = 0;
        const delay = Math.min(30_000, 500 * 2 ** this.restarts++);
        this.print(process.stderr, `exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
        this.timer = setTimeout(() => this.start(), delay);
      });
    });
  }

  /** No restart from now on, whatever happens to the process. */
  retire() {
    this.stopping = true;
    clearTimeout(this.timer);
  }

  /** Last resort when the supervisor itself goes away. */
  kill() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** SIGTERM; the service's own shutdown is bounded (SHUTDOWN_TIMEOUT_MS), SIGKILL is the backstop. */
  async stop(timeoutMs = this.stopTimeoutMs ?? 30_000) {
    this.retire();
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(killer);
  }
}

module.exports = { ManagedProcess, render };
