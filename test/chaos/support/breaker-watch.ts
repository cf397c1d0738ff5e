import { type BreakerEvent, breakerEventsChannel } from '@ultra/contracts';
import { Redis } from 'ioredis';

export interface BreakerFigures {
  /** Transitions seen on the events channel, by the state entered. */
  transitions: Record<string, number>;
  /** Breakers (scope:id) that opened at least once. */
  opened: string[];
  /** Breakers that closed again after opening. */
  reclosed: string[];
  /** Every breaker hash at the end: scope:id → state. */
  final: Record<string, string>;
}

/**
 * Listens to every breaker's state changes (contracts resilience/breakers.ts) for the whole scenario; ioredis
 * subscribes again by itself when Redis comes back from a restart.
 */
export class BreakerWatch {
  readonly events: BreakerEvent[] = [];
  private readonly subscriber: Redis;

  private constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 200 });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.events.push(JSON.parse(message) as BreakerEvent);
      } catch {
        // not a breaker event: ignored
      }
    });
  }

  static async start(url: string, prefix: string): Promise<BreakerWatch> {
    const watch = new BreakerWatch(url, prefix);
    await watch.subscriber.subscribe(breakerEventsChannel(prefix));
    return watch;
  }

  /** Every breaker hash in Redis now: scope:id → state. */
  async states(): Promise<Record<string, string>> {
    const reader = new Redis(this.url, { maxRetriesPerRequest: 3 });
    const states: Record<string, string> = {};
    try {
      let cursor = '0';
      do {
        const [next, keys] = await reader.scan(cursor, 'MATCH', `${this.prefix}:breaker:*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          if ((await reader.type(key)) !== 'hash') continue;
          states[key.slice(`${this.prefix}:breaker:`.length)] = (await reader.hget(key, 'state')) ?? '?';
        }
      } while (cursor !== '0');
    } finally {
      reader.disconnect();
    }
    return states;
  }

  /** The figures, with the final state of every breaker hash read from Redis. */
  async figures(): Promise<BreakerFigures> {
    const final = await this.states();
    const transitions: Record<string, number> = {};
    const opened = new Set<string>();
    const reclosed = new Set<string>();
    for (const event of this.events) {
      transitions[event.to] = (transitions[event.to] ?? 0) + 1;
      const name = `${event.scope}:${event.id}`;
      if (event.to === 'open') opened.add(name);
      if (event.to === 'closed' && opened.has(name)) reclosed.add(name);
    }
    return { transitions, opened: [...opened].sort(), reclosed: [...reclosed].sort(), final };
  }

  async stop(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}
