import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type AnalysisView,
  analysisEventsStream,
  isFinalPushEvent,
  type PushEvent,
  finalPushEventOf,
} from '@ultra/contracts';
import { APP_CONFIG, appendPushEvents, observedGauge, REDIS, redisOptionsFromUrl } from '@ultra/platform';
import { Redis } from 'ioredis';
import { ServiceUnavailableException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';
import { ResultsClient } from '../analyses/results.client';
import { HEARTBEAT_FRAME, hasEnded, rebuiltEventsAfter, sseFrame } from './sse-frames';

/** Entries read per round trip while replaying or following. */
const BATCH = 500;

export interface StreamRequest {
  /** The analysis as stored when the client connected; one just launched is only its id and `queued`. */
  view: AnalysisView | { id: string; status: 'queued' };
  userId: string;
  requestId: string;
  /** Entries after this one are sent; all when absent. */
  lastEventId?: string;
}

interface OpenStream {
  response: ServerResponse;
  redis: Redis;
  closed: boolean;
  /** SSE: the response ends with the stream. A consumer of events() answers on it itself. */
  endsResponse: boolean;
}

type Entries = [id: string, fields: string[]][];

/** One entry of an analysis' push stream: its id, its JSON as written, and the event parsed. */
export interface StreamItem {
  id: string;
  json: string;
  event: PushEvent;
}

function itemsOf(entries: Entries): StreamItem[] {
  return entries.map(([id, fields]) => ({ id, json: fields[1], event: JSON.parse(fields[1]) as PushEvent }));
}

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
  ) {
    // SSE clients and compatible-API streams alike: each holds a Redis connection of its own.
    observedGauge(
      { name: 'ultra_sse_connections', help: 'Open analysis event streams held by this gateway process.' },
      () => this.open.size,
    );
  }

  /** Refuses before any byte is written when this process holds SSE_MAX_STREAMS already. */
  checkCapacity(): void {
    if (this.open.size >= this.config.SSE_MAX_STREAMS) {
      throw new ServiceUnavailableException('this gateway holds as many event streams as it may; retry shortly');
    }
  }

  async serve(response: ServerResponse, request: StreamRequest): Promise<void> {
    const stream = this.openStream(response, true);
    try {
      for await (const item of this.follow(stream, request)) {
        this.write(stream, item ? sseFrame(item.id, item.json, item.event.type) : HEARTBEAT_FRAME);
      }
    } catch (error) {
      if (!stream.closed) this.logger.warn(`event stream of ${request.view.id} broke off: ${String(error)}`);
    } finally {
      this.close(stream);
    }
  }

  /**
   * The analysis' events for a consumer other than SSE (the compatible API): from the start (or after
   * lastEventId) until the final event, on a connection of its own, counted against SSE_MAX_STREAMS like an SSE
   * client. `null` items mark SSE_HEARTBEAT_MS without news. Ends early when `response` closes.
   */
  async *events(response: ServerResponse, request: StreamRequest): AsyncGenerator<StreamItem | null> {
    const stream = this.openStream(response, false);
    try {
      yield* this.follow(stream, request);
    } finally {
      this.close(stream);
    }
  }

  onModuleDestroy(): void {
    for (const stream of this.open) this.close(stream);
  }

  private openStream(response: ServerResponse, endsResponse: boolean): OpenStream {
    const redis = new Redis({ ...redisOptionsFromUrl(this.config.REDIS_URL), lazyConnect: true });
    redis.on('error', () => undefined);
    const stream: OpenStream = { response, redis, closed: false, endsResponse };
    this.open.add(stream);
    // The client went away (or we ended): a blocked XREAD is cut short by the disconnect.
    response.on('close', () => this.close(stream));
    return stream;
  }

  private async *follow(stream: OpenStream, request: StreamRequest): AsyncGenerator<StreamItem | null> {
    const { view } = request;
    const key = analysisEventsStream(this.config.QUEUE_PREFIX, view.id);
    const ended = hasEnded(view);
    if ('stages' in view && ended && !(await stream.redis.exists(key))) {
      // Expired (or never written): the store tells the whole story, under stable synthetic ids.
      for (const { id, event } of rebuiltEventsAfter(view, request.lastEventId)) {
        yield { id, json: JSON.stringify(event), event };
      }
      return;
    }
    if ('stages' in view && ended) await this.completeStream(view);
    let cursor = request.lastEventId ?? '0-0';
    // Replay what is there; an ended analysis' stream holds its final event, so nothing is left to wait for.
    for (;;) {
      const entries = (await stream.redis.xrange(key, `(${cursor}`, '+', 'COUNT', BATCH)) as Entries;
      for (const item of itemsOf(entries)) {
        yield item;
        if (isFinalPushEvent(item.event)) return;
        cursor = item.id;
      }
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
        yield null;
        await this.healIfEnded(request);
        continue;
      }
      for (const item of itemsOf(reply[0][1])) {
        yield item;
        if (isFinalPushEvent(item.event)) return;
        cursor = item.id;
      }
    }
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
    if (stream.endsResponse && !stream.response.writableEnded) stream.response.end();
  }
}
