// Runs the redis-server that `npm start` launches, as its parent: redis-server cannot notice that the supervisor
// died, this process can (its IPC channel disconnects). It reports { type: 'ready' } when redis-server itself says
// it accepts connections, { type: 'failed', message } when it exits before, and stops it cleanly (SIGTERM: the
// AOF is flushed) when asked to or when the supervisor is gone.
// Usage: node redis-server-watch.js <port> <orphan grace ms> <redis-server arguments…>
'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const { createInterface } = require('node:readline');
const { exitWithParent, tellParent } = require('./lib/parent-watch');

const [port, graceMs, ...redisArgs] = process.argv.slice(2);
const READY = 'Ready to accept connections';

/** How many clients Redis serves, this question's connection included (1 means nobody else is left). */
function connectedClients() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('no answer')));
    socket.on('connect', () => socket.write('INFO clients\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      const match = /connected_clients:(\d+)/.exec(reply);
      if (!match) return;
      socket.destroy();
      resolve(Number(match[1]));
    });
    socket.on('error', reject);
  });
}

const redis = spawn('redis-server', redisArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
const lastLines = [];
let ready = false;
const onLine = (line) => {
  lastLines.push(line);
  if (lastLines.length > 5) lastLines.shift();
  if (!ready && line.includes(READY)) {
    ready = true;
    void tellParent({ type: 'ready' });
  }
};
createInterface({ input: redis.stdout }).on('line', onLine);
createInterface({ input: redis.stderr }).on('line', onLine);
redis.on('error', (error) => void tellParent({ type: 'failed', message: error.message }).then(() => process.exit(1)));
redis.on('exit', async (code, signal) => {
  if (!ready) await tellParent({ type: 'failed', message: lastLines.join('\n') || `exited (${signal ?? code})` });
  process.exit(code ?? 1);
});

const stop = () =>
  new Promise((resolve) => {
    if (redis.exitCode !== null || redis.signalCode !== null) return resolve();
    redis.once('exit', resolve);
    redis.kill('SIGTERM');
  });
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The services finish their jobs against this Redis while they shut down; it stops once they have disconnected.
exitWithParent({ graceMs: Number(graceMs), idle: async () => (await connectedClients()) <= 1, stop });
