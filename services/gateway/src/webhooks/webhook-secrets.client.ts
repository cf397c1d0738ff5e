import { Inject, Injectable, Logger } from '@nestjs/common';
import type { WebhookSecret } from '@ultra/contracts';
import { APP_CONFIG, REQUEST_ID_HEADER, ServiceUnavailableException } from '@ultra/platform';
import { RESULTS_TIMEOUT_MS } from '../analyses/results.client';
import type { GatewayConfig } from '../config/gateway.config';

/**
 * Results' internal `/internal/webhooks/secret`: the signing secrets live in results, which signs the deliveries.
 * Failures are reported as ResultsClient reports them: unreachable or 5xx is a 503 the caller may retry.
 */
@Injectable()
export class WebhookSecretsClient {
  private readonly logger = new Logger(WebhookSecretsClient.name);
  private readonly baseUrl: string;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.baseUrl = config.RESULTS_URL;
  }

  /** The user's secret, made on first read. */
  read(userId: string, requestId: string): Promise<WebhookSecret> {
    return this.call('GET', userId, requestId);
  }

  /** A new secret for the user; the old one signs nothing from now on. */
  rotate(userId: string, requestId: string): Promise<WebhookSecret> {
    return this.call('POST', userId, requestId);
  }

  private async call(method: 'GET' | 'POST', userId: string, requestId: string): Promise<WebhookSecret> {
    const url = `${this.baseUrl}/internal/webhooks/secret?${new URLSearchParams({ userId }).toString()}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { [REQUEST_ID_HEADER]: requestId },
        signal: AbortSignal.timeout(RESULTS_TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.warn(`results service unreachable: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailableException('the results service is unavailable, try again shortly');
    }
    if (!response.ok) {
      await response.body?.cancel();
      // The user id comes from a verified token, so any refusal is the services disagreeing: not the caller's fault.
      throw new ServiceUnavailableException(`the results service failed (HTTP ${response.status}), try again shortly`);
    }
    return (await response.json()) as WebhookSecret;
  }
}
