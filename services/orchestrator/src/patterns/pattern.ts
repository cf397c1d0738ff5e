import type { ChatMessage, ModelId, PatternId, StageName } from '@ultra/contracts';

export interface StageText {
  model: ModelId;
  text: string;
}

/** What a stage's prompts may draw on: the question and the completed outputs of earlier stages. */
export interface StageContext {
  prompt: string;
  outputs: Partial<Record<StageName, StageText[]>>;
}

export interface StageDefinition {
  name: StageName;
  /** `all`: every model still in the analysis; `ultra`: only the synthesizing model (with fallback). */
  participants: 'all' | 'ultra';
  buildMessages(model: ModelId, context: StageContext): ChatMessage[];
}

/** A pattern is data: ordered stages, each saying who runs and how each prompt is built. */
export interface PatternDefinition {
  id: PatternId;
  stages: StageDefinition[];
}
