import {
  AnalysisStatus,
  OutputStatus,
  StageStatus,
  type AnalysisResult,
  type AnalysisSource,
  type AnalysisSummary,
  type AnalysisView,
  type ModelId,
  type StageRun,
  type StageView,
  type Usage,
} from '@ultra/contracts';
import type { AnalysisEntity } from './analysis.entity';
import { toOutputView, totalUsage } from './output-view.mapper';
import type { StageOutputEntity } from './stage-output.entity';
import { StageRunKind, type StageRunEntity } from './stage-run.entity';
import { webhookViewOf } from '../webhooks/webhook-view.mapper';

export type AnalysisRequest = Pick<
  AnalysisSource,
  | 'prompt'
  | 'models'
  | 'ultraModel'
  | 'pattern'
  | 'patternSpec'
  | 'params'
  | 'options'
  | 'documents'
  | 'history'
  | 'historyOmitted'
  | 'system'
  | 'conversation'
  | 'tools'
  | 'toolChoice'
>;

/** `usage`: the totals of the analysis' outputs (a listing sums them in SQL, a full view from its outputs). */
export function toAnalysisSummary(analysis: AnalysisEntity, usage: Usage): AnalysisSummary {
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
    threadId: analysis.threadId,
    parentAnalysisId: analysis.parentAnalysisId,
    usage,
  };
}

/**
 * The full view of an analysis from its row, its stage runs and all their outputs. Stage statuses are derived here,
 * not stored, so they can never disagree with the outputs that are.
 */
export function toAnalysisView(
  analysis: AnalysisEntity,
  runs: readonly StageRunEntity[],
  outputs: readonly StageOutputEntity[],
): AnalysisView {
  const view: AnalysisView = {
    ...toAnalysisSummary(analysis, totalUsage(outputs)),
    stages: deriveStages(analysis, runs, outputs),
    result: resultOf(analysis, outputs),
    params: analysis.params,
    options: analysis.options,
    sourceAnalysisId: analysis.sourceAnalysisId,
  };
  // The selection, not the text: GET /api/documents/:id?include=text has that.
  if (analysis.documents) view.documents = analysis.documents.map(({ text: _text, ...shown }) => shown);
  if (analysis.error) view.error = { code: analysis.error.code, message: analysis.error.message };
  const webhook = webhookViewOf(analysis);
  if (webhook) view.webhook = webhook;
  return view;
}

/** What a rerun needs of its source: how it was asked and every run as the orchestrator keeps it. */
export function toAnalysisSource(
  analysis: AnalysisEntity,
  runs: readonly StageRunEntity[],
  outputs: readonly StageOutputEntity[],
): AnalysisSource {
  const outputsOf = outputsByRun(analysis, outputs);
  return {
    id: analysis.id,
    status: analysis.status,
    ...analysisRequestOf(analysis),
    threadId: analysis.threadId,
    parentAnalysisId: analysis.parentAnalysisId,
    runs: runs.map((run): StageRun => ({
      index: run.stageIndex,
      stage: run.stage,
      kind: run.kind,
      round: run.round,
      outputs: outputsOf(run.stageIndex).map((o) => ({
        model: o.model,
        sample: o.sample,
        status: o.status,
        text: o.text,
        data: o.data,
        dataError: o.dataError,
        category: o.error?.category ?? null,
      })),
      aggregate: run.aggregate,
    })),
  };
}

/** How the analysis was asked for: what a rerun starts from and what a resumed analysis starts again with. */
export function analysisRequestOf(analysis: AnalysisEntity): AnalysisRequest {
  return {
    prompt: analysis.prompt,
    models: analysis.models,
    ultraModel: analysis.ultraModel,
    pattern: analysis.pattern,
    patternSpec: analysis.patternSpec,
    params: analysis.params,
    options: analysis.options,
    ...(analysis.documents && { documents: analysis.documents }),
    // Only a follow-up has any; absent (not null) otherwise, as the analysis spec expects.
    ...(analysis.history && { history: analysis.history.exchanges, historyOmitted: analysis.history.omitted }),
    // A compatible-API call's extras, so a rerun or a resumed run sends the same messages and tools.
    ...(analysis.conversation?.system !== undefined && { system: analysis.conversation.system }),
    ...(analysis.conversation?.turns && { conversation: analysis.conversation.turns }),
    ...(analysis.conversation?.tools && { tools: analysis.conversation.tools }),
    ...(analysis.conversation?.toolChoice !== undefined && { toolChoice: analysis.conversation.toolChoice }),
  };
}

/**
 * Every recorded run in index order, then each stage of the stored pattern that has not run yet: the first of
 * those is running while the analysis runs, the rest pending; once the analysis ended they were skipped. An
 * analysis stored before patterns were data has no pattern document, so it lists its runs only.
 */
function deriveStages(
  analysis: AnalysisEntity,
  runs: readonly StageRunEntity[],
  outputs: readonly StageOutputEntity[],
): StageView[] {
  const outputsOf = outputsByRun(analysis, outputs);
  const recorded = runs.map((run) => runView(run, outputsOf(run.stageIndex)));

  const ran = new Set(runs.map((run) => run.stage));
  const ended = analysis.status === AnalysisStatus.Completed || analysis.status === AnalysisStatus.Failed;
  let runningAssigned = false;
  const notRun = (analysis.patternSpec?.stages ?? [])
    .filter((stage) => !ran.has(stage.id))
    .map((stage): StageView => {
      let status: StageStatus;
      if (ended) {
        status = StageStatus.Skipped;
      } else if (analysis.status === AnalysisStatus.Running && !runningAssigned) {
        runningAssigned = true;
        status = StageStatus.Running;
      } else {
        status = StageStatus.Pending;
      }
      return {
        name: stage.id,
        id: stage.id,
        label: stage.label,
        kind: stage.kind,
        index: null,
        round: 1,
        status,
        outputs: [],
        usage: totalUsage([]),
      };
    });
  return [...recorded, ...notRun];
}

function runView(run: StageRunEntity, outputs: readonly StageOutputEntity[]): StageView {
  const view: StageView = {
    name: run.stage,
    id: run.stage,
    label: run.label,
    kind: run.kind,
    index: run.stageIndex,
    round: run.round,
    status: runStatus(run, outputs),
    outputs: outputs.map(toOutputView),
    usage: totalUsage(outputs),
  };
  if (run.aggregate !== null) view.aggregate = run.aggregate;
  if (run.note !== null) view.note = run.note;
  return view;
}

/** A generate run completed when any of its calls did; aggregates always complete; skipped runs stay skipped. */
function runStatus(run: StageRunEntity, outputs: readonly StageOutputEntity[]): StageStatus {
  switch (run.kind) {
    case StageRunKind.Generate:
      return outputs.some((o) => o.status === OutputStatus.Completed) ? StageStatus.Completed : StageStatus.Failed;
    case StageRunKind.Aggregate:
      return StageStatus.Completed;
    case StageRunKind.Skipped:
      return StageStatus.Skipped;
  }
}

/** A lookup of each run's outputs in the analysis' model order, then by sample. */
function outputsByRun(
  analysis: AnalysisEntity,
  outputs: readonly StageOutputEntity[],
): (stageIndex: number) => StageOutputEntity[] {
  const order = modelOrder(analysis.models);
  const byRun = new Map<number, StageOutputEntity[]>();
  for (const output of outputs) {
    const list = byRun.get(output.stageIndex);
    if (list) list.push(output);
    else byRun.set(output.stageIndex, [output]);
  }
  for (const list of byRun.values()) list.sort((a, b) => order(a.model) - order(b.model) || a.sample - b.sample);
  return (stageIndex) => byRun.get(stageIndex) ?? [];
}

/** Position of a model in the analysis' list; models outside it (should not happen) sort last. */
function modelOrder(models: readonly ModelId[]): (model: ModelId) => number {
  const index = new Map(models.map((model, i) => [model, i]));
  return (model) => index.get(model) ?? models.length;
}

/** Keys of the result that its named data cannot overwrite. */
const RESULT_FIELDS = new Set(['model', 'text', 'stage', 'toolCalls', 'finishReason']);

/**
 * The final answer exists only once the analysis completed with one: the stored text and named data. Analyses
 * stored before the result text was (migrated without it) take it from the output the result names.
 */
function resultOf(analysis: AnalysisEntity, outputs: readonly StageOutputEntity[]): AnalysisResult | null {
  const { resultStage: stage, resultModel: model } = analysis;
  if (analysis.status !== AnalysisStatus.Completed || stage === null || model === null) return null;
  let text = analysis.resultText;
  if (text === null) {
    const output = outputs.find(
      (o) =>
        o.stage === stage &&
        o.model === model &&
        (analysis.resultStageIndex === null || o.stageIndex === analysis.resultStageIndex) &&
        o.sample === (analysis.resultSample ?? 0),
    );
    if (!output || output.status !== OutputStatus.Completed || output.text === null) return null;
    text = output.text;
  }
  const data = Object.entries(analysis.resultData ?? {}).filter(([name]) => !RESULT_FIELDS.has(name));
  return { model, text, stage, ...Object.fromEntries(data), ...toolFieldsOf(analysis) };
}

/** The answer's tool calls and finish reason, where it has them (analyses stored before them have neither). */
export function toolFieldsOf(analysis: AnalysisEntity): Pick<AnalysisResult, 'toolCalls' | 'finishReason'> {
  return {
    ...(analysis.resultToolCalls?.length && { toolCalls: analysis.resultToolCalls }),
    ...(analysis.resultFinishReason !== null && { finishReason: analysis.resultFinishReason }),
  };
}
