import { type z } from 'zod';
import { type AnalysisSummary, type AnalyzeAccepted, analyzeRequestSchema } from './analysis.dto';

/**
 * `POST /api/analyses/:id/follow-ups`: a further question in the analysis' thread; the analyze body with every
 * field but the prompt optional. What is left out comes from the analysis followed up (models, ultra model,
 * pattern, its parameters, options); the merged body is then checked exactly as `POST /api/analyze`.
 */
export function followUpRequestSchema(maxPromptChars: number) {
  return analyzeRequestSchema(maxPromptChars).partial({ models: true });
}
export type FollowUpRequest = z.infer<ReturnType<typeof followUpRequestSchema>>;

export interface FollowUpAccepted extends AnalyzeAccepted {
  threadId: string;
  parentAnalysisId: string;
}

/** `GET /api/threads/:id`: the thread's analyses, oldest first. */
export interface ThreadView {
  id: string;
  analyses: AnalysisSummary[];
}

/** One analysis of a thread as results lists it internally: the summary plus its final answer, for history. */
export interface ThreadEntry extends AnalysisSummary {
  answer: string | null;
}

/** The results service's internal `GET /internal/threads/:id?userId=`. */
export interface ThreadEntries {
  id: string;
  analyses: ThreadEntry[];
}
