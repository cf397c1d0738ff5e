import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { analysisCancelChannel } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { WorkerConfig } from '../config/worker.config';

/** Recently cancelled analyses remembered, so a call of one that starts after the message is refused at once. */
const REMEMBERED = 10_000;

export interface CallCancellation {
  signal: AbortSignal;
  release(): void;
}

/**
 * Aborts the calls this worker holds for an analysis when a user cancels it. The gateway publishes the id on one
 * channel; a dedicated subscriber connection receives it, so no call costs an extra Redis round trip.
 */
@Injectable()
export class CancellationService implements OnModuleInit, OnApplicationShutdown {
  private readonly inFlight = new Map<string, Set<AbortController>>();
  private readonly cancelled = new Set<string>();
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: WorkerConfig,
    private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, analysisId: string) => this.cancel(analysisId));
    await this.subscriber.subscribe(analysisCancelChannel(this.config.QUEUE_PREFIX));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** A signal that aborts when the analysis is cancelled; release it when the call ends. */
  track(analysisId: string): CallCancellation {
    const controller = new AbortController();
    if (this.cancelled.has(analysisId)) controller.abort();
    const calls = this.inFlight.get(analysisId) ?? new Set<AbortController>();
    calls.add(controller);
    this.inFlight.set(analysisId, calls);
    return {
      signal: controller.signal,
      release: () => {
        calls.delete(controller);
        if (calls.size === 0) this.inFlight.delete(analysisId);
      },
    };
  }

  private cancel(analysisId: string): void {
    this.cancelled.add(analysisId);
    if (this.cancelled.size > REMEMBERED) this.cancelled.delete(this.cancelled.values().next().value as string);
    const calls = this.inFlight.get(analysisId);
    if (calls?.size) this.logger.info({ analysisId, calls: calls.size }, 'analysis cancelled: aborting its calls');
    calls?.forEach((controller) => controller.abort());
  }
}
