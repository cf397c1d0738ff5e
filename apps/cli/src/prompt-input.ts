import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Io } from './context.js';

/**
 * Reads answers one line each from stdin: typed at a terminal (the password not echoed), or piped
 * (`printf 'me@example.com\npassword\n' | ultra login`).
 */
export class PromptInput {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private closed = false;
  private muted = false;
  private readonly rl;

  constructor(private readonly io: Io) {
    // Echo goes through this stream, so muting it hides what is typed for the password.
    const echo = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (!this.muted) io.stderr.write(chunk);
        done();
      },
    });
    this.rl = createInterface({ input: io.stdin, output: echo, terminal: io.stdin.isTTY === true });
    this.rl.on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiting.splice(0)) waiter(undefined);
    });
  }

  /** The next line, or undefined when stdin has ended. */
  async ask(question: string, options: { hidden?: boolean } = {}): Promise<string | undefined> {
    this.io.stderr.write(question);
    this.muted = options.hidden === true;
    const line = await this.next();
    if (this.muted) this.io.stderr.write('\n');
    this.muted = false;
    return line;
  }

  close(): void {
    this.rl.close();
  }

  private next(): Promise<string | undefined> {
    const buffered = this.lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
