import type { AnalysisView, OutputView, StageView } from '@ultra/contracts';

export interface Revision {
  model: string;
  before: string;
  after: string;
}

export interface Revisions {
  before: StageView;
  after: StageView;
  revisions: Revision[];
}

/** An output that is prose: completed, with text, and not a stage's JSON (reviews, rankings, ballots). */
const isProse = (o: OutputView): o is OutputView & { text: string } =>
  o.status === 'completed' && o.text !== null && o.data === undefined && o.dataError === undefined;

/** A run where the whole panel writes prose: several models, not the ultra model's synthesis alone. */
function isPanelRun(stage: StageView): boolean {
  if (stage.kind !== 'generate' || stage.index === null) return false;
  return new Set(stage.outputs.filter(isProse).map((o) => o.model)).size >= 2;
}

/**
 * Each model's answer before and after revision: its output in the first panel run against the one in the last
 * (initial → hyper, propose → last refine layer, opening → debate). None when the panel wrote prose only once.
 */
export function revisionsOf(analysis: AnalysisView): Revisions | null {
  const panel = analysis.stages.filter(isPanelRun);
  const before = panel[0];
  const after = panel.at(-1);
  if (!before || !after || before === after) return null;
  const textOf = (stage: StageView, model: string) =>
    stage.outputs.find((o) => o.model === model && o.sample === 0 && isProse(o))?.text ?? null;
  const models = [...new Set(before.outputs.map((o) => o.model))];
  const revisions = models.flatMap((model) => {
    const [was, now] = [textOf(before, model), textOf(after, model)];
    return was !== null && now !== null ? [{ model, before: was, after: now }] : [];
  });
  return revisions.length > 0 ? { before, after, revisions } : null;
}
