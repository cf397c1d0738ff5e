import type { WebhookDeliveryView } from '@ultra/contracts';
import type { AnalysisEntity } from '../analyses/analysis.entity';

/** The `webhook` of an analysis view: absent (undefined) for an analysis without a callback URL. */
export function webhookViewOf(analysis: AnalysisEntity): WebhookDeliveryView | undefined {
  if (!analysis.callbackUrl) return undefined;
  const view: WebhookDeliveryView = {
    url: analysis.callbackUrl,
    attempts: analysis.webhookAttempts,
    lastStatus: analysis.webhookLastStatus,
    deliveredAt: analysis.webhookDeliveredAt ? analysis.webhookDeliveredAt.toISOString() : null,
  };
  if (analysis.webhookLastError !== null) view.lastError = analysis.webhookLastError;
  return view;
}
