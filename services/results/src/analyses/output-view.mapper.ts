import type { OutputView, Usage } from '@ultra/contracts';
import type { StageOutputEntity } from './stage-output.entity';

/** One stored output as the API shows it: optional fields only where they say something. */
export function toOutputView(output: StageOutputEntity): OutputView {
  const view: OutputView = {
    model: output.model,
    sample: output.sample,
    status: output.status,
    text: output.text,
    latencyMs: output.latencyMs,
    usage: usageOf(output),
  };
  // Only a stage that asked for json produces data, or the reason it could not be parsed.
  if (output.data !== null || output.dataError !== null) view.data = output.data;
  if (output.dataError !== null) view.dataError = output.dataError;
  if (output.reused) view.reused = true;
  if (output.cached) view.cached = true;
  if (output.answeredBy !== null) view.answeredBy = output.answeredBy;
  if (output.fallbackReason !== null) view.fallbackReason = output.fallbackReason;
  if (output.repairedChars > 0) view.repairedChars = output.repairedChars;
  if (output.toolCalls?.length) view.toolCalls = output.toolCalls;
  if (output.error) view.error = { category: output.error.category, message: output.error.message };
  return view;
}

/** Cached and reasoning tokens appear only where the provider reported them. */
function usageOf(output: StageOutputEntity): Usage {
  const usage: Usage = { inputTokens: output.inputTokens, outputTokens: output.outputTokens, costUsd: output.costUsd };
  if (output.cachedInputTokens !== null) usage.cachedInputTokens = output.cachedInputTokens;
  if (output.reasoningTokens !== null) usage.reasoningTokens = output.reasoningTokens;
  return usage;
}

/**
 * Token and cost totals; cost is summed in millionths of a cent so many small prices add up exactly. Cached and
 * reasoning totals appear when any output reported them.
 */
export function totalUsage(outputs: readonly StageOutputEntity[]): Usage {
  let [input, output, cost] = [0, 0, 0];
  let cached: number | undefined;
  let reasoning: number | undefined;
  for (const o of outputs) {
    input += o.inputTokens;
    output += o.outputTokens;
    cost += Math.round(o.costUsd * 1e8);
    if (o.cachedInputTokens !== null) cached = (cached ?? 0) + o.cachedInputTokens;
    if (o.reasoningTokens !== null) reasoning = (reasoning ?? 0) + o.reasoningTokens;
  }
  const usage: Usage = { inputTokens: input, outputTokens: output, costUsd: cost / 1e8 };
  if (cached !== undefined) usage.cachedInputTokens = cached;
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}
