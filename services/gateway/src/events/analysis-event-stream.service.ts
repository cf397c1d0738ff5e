import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type AnalysisView,
  analysisEventsStream,
  isFinalPushEvent,
  type PushEvent,
  finalPushEventOf,
} from '@ultra/contracts';
import { APP_CONFIG, appendPushEvents, REDIS, redisOptionsFromUrl } from '@ultra/platform';
import { Redis } from 'ioredis';
import { ServiceUnavailableException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';
import { ResultsClient } from '../analyses/results.client';
import { HEARTBEAT_FRAME, hasEnded, rebuiltEventsAfter, sseFrame } from './sse-frames';

/** Entries read per round trip while replaying or following. */
const BATCH = 500;

export interface StreamRequest {
  view: AnalysisView;
  userId: string;
  requestId: string;
  /** Entries after this one are sent; all when absent. */
  lastEventId?: string;
}

interface OpenStream {
  response: ServerResponse;
  redis: Redis;
  closed: boolean;
}

type Entries = [id: string, fields: string[]][];

/**
 * Relays an analysis' push stream as SSE: replays the entries after Last-Event-ID, then follows with a blocking
 * XREAD on a connection of its own until the final event, with a heartbeat comment whenever nothing came for
 * SSE_HEARTBEAT_MS. All state is in Redis (and the store), so any gateway process can serve any stream.
 */
@Injectable()
export class AnalysisEventStreamService implements OnModuleDestroy {
  private readonly logger = new Logger(AnalysisEventStreamService.name);
  private readonly open = new Set<OpenStream>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly results: ResultsClient,
  ) {}

  /** Refuses before any byte is written when this process holds SSE_MAX_STREAMS already. */
  checkCapacity(): void {
    if (this.open.size >= this.config.SSE_MAX_STREAMS) {
      throw new ServiceUnavailableException('this gateway holds as many event streams as it may; retry shortly');
    }
  }

  async serve(response: ServerResponse, request: StreamRequest): Promise<void> {
    const redis = new Redis({ ...redisOptionsFromUrl(this.config.REDIS_URL), lazyConnect: true });
    redis.on('error', () => undefined);
    const stream: OpenStream = { response, redis, closed: false };
    this.open.add(stream);
    // The client went away (or we ended): a blocked XREAD is cut short by the disconnect.
    response.on('close', () => this.close(stream));
    try {
      await this.relay(stream, request);
    } catch (error) {
      if (!stream.closed) this.logger.warn(`event stream of ${request.view.id} broke off: ${String(error)}`);
    } finally {
      this.close(stream);
    }
  }

  onModuleDestroy(): void {
    for (const stream of this.open) this.close(stream);
  }

  private async relay(stream: OpenStream, request: StreamRequest): Promise<void> {
    const { view } = request;
    const key = analysisEventsStream(this.config.QUEUE_PREFIX, view.id);
    const ended = hasEnded(view);
    if (!(await stream.redis.exists(key)) && ended) {
      // Expired (or never written): the store tells the whole story, under stable synthetic ids.
      for (const { id, event } of rebuiltEventsAfter(view, request.lastEventId)) {
        this.write(stream, sseFrame(id, JSON.stringify(event), event.type));
      }
      return;
    }
    if (ended) await this.completeStream(view);
    let cursor = request.lastEventId ?? '0-0';
    // Replay what is there; an ended analysis' stream holds its final event, so nothing is left to wait for.
    for (;;) {
      const entries = (await stream.redis.xrange(key, `(${cursor}`, '+', 'COUNT', BATCH)) as Entries;
      const last = this.relayEntries(stream, entries);
      if (last.final) return;
      cursor = last.id ?? cursor;
      if (entries.length < BATCH) break;
    }
    if (ended) return;
    for (;;) {
      const reply = await stream.redis.xread(
        'COUNT',
        BATCH,
        'BLOCK',
        this.config.SSE_HEARTBEAT_MS,
        'STREAMS',
        key,
        cursor,
      );
      if (stream.closed) return;
      if (!reply) {
        this.write(stream, HEARTBEAT_FRAME);
        await this.healIfEnded(request);
        continue;
      }
      const last = this.relayEntries(stream, reply[0][1]);
      if (last.final) return;
      cursor = last.id ?? cursor;
    }
  }

  private relayEntries(stream: OpenStream, entries: Entries): { id?: string; final: boolean } {
    let id: string | undefined;
    for (const [entryId, fields] of entries) {
      id = entryId;
      const json = fields[1];
      const event = JSON.parse(json) as Pick<PushEvent, 'type'>;
      this.write(stream, sseFrame(entryId, json, event.type));
      if (isFinalPushEvent(event)) return { id, final: true };
    }
    return { id, final: false };
  }

  /** While following quietly: if the store says the analysis ended, make sure its final event is in the stream. */
  private async healIfEnded(request: StreamRequest): Promise<void> {
    const view = await this.results.getAnalysis(request.view.id, request.userId, request.requestId).catch(() => null);
    if (view && hasEnded(view)) await this.completeStream(view);
  }

  /**
   * Results writes the final event after storing the end; should that write have been lost, this adds it from the
   * store (once: the stream keeps the first final event written).
   */
  private async completeStream(view: AnalysisView): Promise<void> {
    const final = finalPushEventOf(view);
    if (!final) return;
    const target = { queuePrefix: this.config.QUEUE_PREFIX, ttlS: this.config.ANALYSIS_EVENTS_TTL_S };
    await appendPushEvents(this.redis, target, view.id, [final]).catch((error: unknown) => {
      this.logger.warn(`could not complete the event stream of ${view.id}: ${String(error)}`);
    });
  }

  private write(stream: OpenStream, frame: string): void {
    if (!stream.closed) stream.response.write(frame);
  }

  private close(stream: OpenStream): void {
    if (!this.open.delete(stream)) return;
    stream.closed = true;
    stream.redis.disconnect();
    if (!stream.response.writableEnded) stream.response.end();
  }
}
