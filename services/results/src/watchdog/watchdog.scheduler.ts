import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@ultra/platform';
import { PinoLogger } from 'nestjs-pino';
import type { ResultsConfig } from '../config/results.config';
import { WatchdogService } from './watchdog.service';

/**
 * Runs the watchdog's sweep at boot and then every WATCHDOG_INTERVAL_MS. A timer rather than a BullMQ repeatable job:
 * the sweep must also run when the queues themselves were lost, which is what it recovers from. Each sweep is
 * scheduled after the last ended, so sweeps never overlap; shutdown waits for the one in progress.
 */
@Injectable()
export class WatchdogScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly watchdog: WatchdogService,
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WatchdogScheduler.name);
  }

  onApplicationBootstrap(): void {
    this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private run(): void {
    this.running = this.watchdog
      .sweepOnce()
      .then(
        () => undefined,
        // Postgres or Redis down: the next sweep tries again.
        (error: unknown) => this.logger.warn({ err: error }, 'watchdog sweep failed'),
      )
      .finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(() => this.run(), this.config.WATCHDOG_INTERVAL_MS);
        this.timer.unref();
      });
  }
}
