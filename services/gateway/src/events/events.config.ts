import { analysisEventsEnv } from '@ultra/contracts';
import { z } from 'zod';

/** The push channel's settings, part of the gateway's configuration. */
export const eventsEnv = {
  ...analysisEventsEnv,
  /** An SSE comment line this often keeps proxies from closing an idle stream. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Event streams one gateway process holds open at once (each has its own Redis connection). */
  SSE_MAX_STREAMS: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** Lifetime of a stream token from POST /api/analyses/:id/stream-token. */
  STREAM_TOKEN_TTL_S: z.coerce.number().int().min(1).max(3_600).default(60),
};
