/**
 * Cancellation: the gateway sets this key (so a step that starts later still sees it) and publishes the analysis
 * id on `analysisCancelChannel`, on which provider-workers abort the calls they hold for it. (What a client sees of
 * an analysis as it runs is in push-events.ts.)
 */
export function analysisCancelledKey(queuePrefix: string, analysisId: string): string {
  return `${queuePrefix}:cancelled:${analysisId}`;
}

export function analysisCancelChannel(queuePrefix: string): string {
  return `${queuePrefix}:cancel`;
}
