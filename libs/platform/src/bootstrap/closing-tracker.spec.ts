import { Injectable, Module, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClosingTracker } from './closing-tracker';

@Injectable()
class QuickToClose implements OnModuleDestroy {
  closed = false;
  onModuleDestroy(): void {
    this.closed = true;
  }
}

/** Its shutdown hook waits until released, like a pool waiting for a query to a database that went away. */
@Injectable()
class SlowToClose implements OnApplicationShutdown {
  release: () => void = () => undefined;
  private notifyStarted: () => void = () => undefined;
  readonly started = new Promise<void>((resolve) => (this.notifyStarted = resolve));

  onApplicationShutdown(): Promise<void> {
    this.notifyStarted();
    return new Promise((resolve) => (this.release = resolve));
  }
}

@Module({ providers: [QuickToClose, SlowToClose] })
class TestModule {}

describe('ClosingTracker', () => {
  it('names the shutdown hooks that have started and not finished, and still runs every hook', async () => {
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    const tracker = new ClosingTracker(app);
    expect(tracker.stillClosing()).toEqual([]);

    const closing = app.close();
    await app.get(SlowToClose).started;
    expect(tracker.stillClosing()).toEqual(['SlowToClose.onApplicationShutdown']);
    expect(app.get(QuickToClose).closed).toBe(true);

    app.get(SlowToClose).release();
    await closing;
    expect(tracker.stillClosing()).toEqual([]);
  });

  it('lists what the caller marks as closing until it is done', async () => {
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    const tracker = new ClosingTracker(app);
    const done = tracker.begin('HTTP server (requests in flight)');
    expect(tracker.stillClosing()).toEqual(['HTTP server (requests in flight)']);
    done();
    expect(tracker.stillClosing()).toEqual([]);
    const closing = app.close();
    await app.get(SlowToClose).started;
    app.get(SlowToClose).release();
    await closing;
  });
});
