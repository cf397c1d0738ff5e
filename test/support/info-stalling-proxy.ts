import { once } from 'node:events';
import { createServer, type Server, type Socket, connect } from 'node:net';

/** RESP's `INFO` command as clients send it (no arguments). */
const INFO = /\$4\r\ninfo\r\n/gi;

/**
 * A TCP proxy in front of Redis that holds back, for `stallMs`, every reply on a connection from the moment that
 * connection sends its second `INFO`: ioredis' ready check is the first, so the second is the client library's own
 * (BullMQ's version check). The replies are delivered late, not lost: a slow Redis as a loaded machine shows it.
 */
export class InfoStallingProxy {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** How many connections had replies held back. */
  stalled = 0;

  private constructor(
    private readonly server: Server,
    readonly stallMs: number,
  ) {}

  static async start(target: { host: string; port: number }, stallMs: number): Promise<InfoStallingProxy> {
    const server = createServer();
    const proxy = new InfoStallingProxy(server, stallMs);
    server.on('connection', (client) => proxy.pipe(client, target));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy is not listening');
    return `redis://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    let infos = 0;
    let tail = '';
    let held: Buffer[] | undefined;
    client.on('data', (chunk: Buffer) => {
      // The tail (shorter than the 10-byte command, so never a whole one counted twice) keeps a command split
      // across two chunks countable.
      const text = tail + chunk.toString('latin1');
      infos += text.match(INFO)?.length ?? 0;
      tail = text.slice(-9);
      upstream.write(chunk);
      if (infos >= 2 && held === undefined) {
        held = [];
        this.stalled += 1;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          for (const reply of held ?? []) client.write(reply);
          held = undefined;
          infos = Number.NEGATIVE_INFINITY; // once per connection
        }, this.stallMs);
        this.timers.add(timer);
      }
    });
    upstream.on('data', (chunk: Buffer) => (held ? held.push(chunk) : client.write(chunk)));
  }
}
