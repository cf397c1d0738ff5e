import {
  AnalysisStatus,
  OutputStatus,
  patterns,
  StageStatus,
  type AnalysisSummary,
  type AnalysisView,
  type ModelId,
  type OutputView,
  type StageName,
  type StageView,
  type Usage,
} from '@ultra/contracts';
import type { AnalysisEntity } from './analysis.entity';
import type { StageOutputEntity } from './stage-output.entity';

export function toAnalysisSummary(analysis: AnalysisEntity): AnalysisSummary {
  return {
    id: analysis.id,
    status: analysis.status,
    pattern: analysis.pattern,
    models: analysis.models,
    ultraModel: analysis.ultraModel,
    prompt: analysis.prompt,
    createdAt: analysis.createdAt.toISOString(),
    updatedAt: analysis.updatedAt.toISOString(),
    completedAt: analysis.completedAt ? analysis.completedAt.toISOString() : null,
  };
}

/**
 * The full view of an analysis from its row and all its outputs. Stage statuses are derived here, not stored,
 * so they can never disagree with the outputs that are.
 */
export function toAnalysisView(analysis: AnalysisEntity, outputs: readonly StageOutputEntity[]): AnalysisView {
  const stages = deriveStages(analysis, outputs);
  const view: AnalysisView = {
    ...toAnalysisSummary(analysis),
    stages,
    result: resultOf(analysis, outputs),
    usage: totalUsage(outputs),
  };
  if (analysis.error) view.error = { code: analysis.error.code, message: analysis.error.message };
  return view;
}

function deriveStages(analysis: AnalysisEntity, outputs: readonly StageOutputEntity[]): StageView[] {
  const byStage = new Map<StageName, StageOutputEntity[]>();
  for (const output of outputs) {
    const list = byStage.get(output.stage);
    if (list) list.push(output);
    else byStage.set(output.stage, [output]);
  }
  const order = modelOrder(analysis.models);
  let runningAssigned = false;
  return patterns[analysis.pattern].stages.map((name) => {
    const stageOutputs = [...(byStage.get(name) ?? [])].sort((a, b) => order(a.model) - order(b.model));
    let status: StageStatus;
    if (stageOutputs.length > 0) {
      status = stageOutputs.some((o) => o.status === OutputStatus.Completed)
        ? StageStatus.Completed
        : StageStatus.Failed;
    } else if (analysis.status === AnalysisStatus.Running && !runningAssigned) {
      runningAssigned = true;
      status = StageStatus.Running;
    } else if (analysis.status === AnalysisStatus.Queued || analysis.status === AnalysisStatus.Running) {
      status = StageStatus.Pending;
    } else {
      status = StageStatus.Skipped;
    }
    return { name, status, outputs: stageOutputs.map(toOutputView), usage: totalUsage(stageOutputs) };
  });
}

/** Position of a model in the analysis' list; models outside it (should not happen) sort last. */
function modelOrder(models: readonly ModelId[]): (model: ModelId) => number {
  const index = new Map(models.map((model, i) => [model, i]));
  return (model) => index.get(model) ?? models.length;
}

function toOutputView(output: StageOutputEntity): OutputView {
  const view: OutputView = {
    model: output.model,
    status: output.status,
    text: output.text,
    latencyMs: output.latencyMs,
    usage: usageOf(output),
  };
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
function totalUsage(outputs: readonly StageOutputEntity[]): Usage {
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

/** The final answer exists only once the analysis completed and the output it names completed with text. */
function resultOf(analysis: AnalysisEntity, outputs: readonly StageOutputEntity[]): AnalysisView['result'] {
  if (analysis.status !== AnalysisStatus.Completed || !analysis.resultStage || !analysis.resultModel) return null;
  const output = outputs.find((o) => o.stage === analysis.resultStage && o.model === analysis.resultModel);
  if (!output || output.status !== OutputStatus.Completed || output.text === null) return null;
  return { model: output.model, text: output.text };
}
