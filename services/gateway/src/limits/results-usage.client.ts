import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type DailySpend } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';

/** Short: the answer only corrects a missing counter, and the request waits for it. */
const USAGE_TIMEOUT_MS = 2_000;

function isSpend(value: unknown): value is DailySpend {
  if (typeof value !== 'object' || value === null) return false;
  const spend = value as Record<string, unknown>;
  return ['inputTokens', 'outputTokens', 'costUsd'].every((field) => typeof spend[field] === 'number');
}

/** Results' `GET /internal/usage/:userId?day=`: a user's spend of a day as its database sums it. */
@Injectable()
export class ResultsUsageClient {
  private readonly baseUrl: string;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.baseUrl = config.RESULTS_URL;
  }

  /** The spend, or null when results does not answer it (the caller then keeps what Redis has). */
  async spendOf(userId: string, day: string): Promise<DailySpend | null> {
    const url = `${this.baseUrl}/internal/usage/${encodeURIComponent(userId)}?day=${day}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(USAGE_TIMEOUT_MS) }).catch(() => null);
    if (!response?.ok) {
      await response?.body?.cancel();
      return null;
    }
    const body: unknown = await response.json().catch(() => null);
    return isSpend(body) ? body : null;
  }
}
