import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768–60999): a port the kernel handed us with listen(0) comes from that range,
// and between our check and the service's listen() the kernel can give it to any outgoing connection (a Redis or
// Postgres client socket), so the service failed with EADDRINUSE now and then. Ports below it are only taken by
// someone who asks for them.
const LOW = 20_000;
const HIGH = 32_000;
// Handed out by this process already: two calls of one stack must not pick the same port before either listens.
const given = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // 0.0.0.0: the services without an HTTP API listen there (METRICS_HOST), and it also covers 127.0.0.1.
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** A TCP port that was free a moment ago, outside the range the kernel picks outgoing connections' ports from. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (given.has(port) || !(await canListen(port))) continue;
    given.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}
