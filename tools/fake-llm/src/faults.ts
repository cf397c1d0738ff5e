import type { FakeReply, ReplyRule } from './fake-server';

/** The ways a vendor call goes wrong in the wild, each in the vendor's own wire format. */
export const FaultKind = {
  /** 429 with a `retry-after` header. */
  RateLimit: 'rate_limit',
  /** 500. */
  ServerError: 'server_error',
  /** 503. */
  Unavailable: 'unavailable',
  /** No answer at all: the response does not start until long after any sane client timeout. */
  Timeout: 'timeout',
  /** The stream (or body) stops mid-answer and the connection closes. */
  CutStream: 'cut_stream',
  /** The stream carries an event whose data is not JSON. */
  MalformedStream: 'malformed_stream',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

export const ALL_FAULT_KINDS: readonly FaultKind[] = Object.values(FaultKind);

export interface FaultOptions {
  /** Fraction of calls (0–1) that fail. */
  rate: number;
  /** Kinds to draw from, uniformly (default: all). */
  kinds?: readonly FaultKind[];
  /** Seed of the draws, so a run can be repeated call for call (default 1). */
  seed?: number;
  /** `retry-after` of a 429, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** How long a `timeout` keeps the client waiting before anything is sent (default 30 s). */
  hangMs?: number;
  /** What a call that does not fail answers (default: the vendor's default answer). */
  success?: FakeReply;
}

/** What one fault looks like on the wire; every vendor fake renders it in its own format. */
export function faultReply(
  kind: FaultKind,
  options: Pick<FaultOptions, 'retryAfterSeconds' | 'hangMs'> = {},
): FakeReply {
  switch (kind) {
    case FaultKind.RateLimit:
      return {
        status: 429,
        retryAfterSeconds: options.retryAfterSeconds ?? 1,
        errorMessage: 'injected fault: rate limited',
      };
    case FaultKind.ServerError:
      return { status: 500, errorMessage: 'injected fault: internal server error' };
    case FaultKind.Unavailable:
      return { status: 503, errorMessage: 'injected fault: service unavailable' };
    case FaultKind.Timeout:
      return { latencyMs: options.hangMs ?? 30_000 };
    case FaultKind.CutStream:
      return { text: 'an answer that the injected fault cuts off half way through', cutOff: true };
    case FaultKind.MalformedStream:
      return { text: 'an answer whose stream the injected fault garbles in the middle', malformed: true };
  }
}

/** A small seeded generator (mulberry32): the same seed draws the same faults in the same order. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type FaultCounts = Record<FaultKind | 'ok', number>;

const emptyCounts = (): FaultCounts => Object.fromEntries([...ALL_FAULT_KINDS, 'ok'].map((k) => [k, 0])) as FaultCounts;

/**
 * Makes a configurable fraction of calls fail with every kind of fault, and counts what it did per vendor. Install
 * it on a fake with `fake.reply(faults.rule(fake.vendor))`; `setRate` and `outage` change it while a run goes on.
 */
export class FaultInjector {
  private rate: number;
  private readonly kinds: readonly FaultKind[];
  private readonly random: () => number;
  private readonly outages = new Set<string>();
  /** Per vendor: how many calls got each fault, and how many were let through. */
  readonly counts: Record<string, FaultCounts> = {};

  constructor(private readonly options: FaultOptions) {
    this.rate = options.rate;
    this.kinds = options.kinds?.length ? options.kinds : ALL_FAULT_KINDS;
    this.random = seeded(options.seed ?? 1);
  }

  setRate(rate: number): void {
    this.rate = rate;
  }

  /** While on, every call to `vendor` answers 503: a full outage, which should open its breakers. */
  outage(vendor: string, on: boolean): void {
    if (on) this.outages.add(vendor);
    else this.outages.delete(vendor);
  }

  /** The reply rule for one vendor fake. */
  rule(vendor: string): ReplyRule {
    return () => {
      const counts = (this.counts[vendor] ??= emptyCounts());
      if (this.outages.has(vendor)) {
        counts[FaultKind.Unavailable]++;
        return faultReply(FaultKind.Unavailable, this.options);
      }
      if (this.random() >= this.rate) {
        counts.ok++;
        return this.options.success ?? {};
      }
      const kind = this.kinds[Math.floor(this.random() * this.kinds.length)];
      counts[kind]++;
      return { ...this.options.success, ...faultReply(kind, this.options) };
    };
  }

  /** Calls that got a fault, over every vendor. */
  get injected(): number {
    return Object.values(this.counts).reduce((sum, c) => sum + ALL_FAULT_KINDS.reduce((s, k) => s + c[k], 0), 0);
  }
}
