import type { AnalyzeRequest, DocumentView, PatternInfo } from '@ultra/contracts';
import type { AnalysisChoices } from './use-analysis-choices';

/** The server's pattern when a request names none (contracts' DEFAULT_PATTERN); preselected when it is listed. */
const SERVER_DEFAULT_PATTERN = 'confidence';

export interface OptionValues {
  quorum: string;
  temperature: string;
  maxOutputTokens: string;
}

/** The form as typed: numbers stay strings until the request is built, so a field can be empty (the default). */
export interface AnalysisForm {
  prompt: string;
  documents: DocumentView[];
  models: string[];
  ultraModel: string | null;
  pattern: string;
  params: Record<string, string>;
  options: OptionValues;
}

export function paramDefaults(pattern: PatternInfo | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(pattern?.params ?? {}).map(([name, p]) => [name, String(p.default)]));
}

/** The caller's default panel where it still fits the catalog and patterns, else nothing chosen. */
export function initialForm({ models, patterns, defaults }: AnalysisChoices): AnalysisForm {
  const known = new Set(models.map((m) => m.id));
  const chosen = (defaults?.models ?? []).filter((id) => known.has(id));
  const ultraModel = defaults?.ultraModel && chosen.includes(defaults.ultraModel) ? defaults.ultraModel : chosen[0];
  const pattern =
    patterns.find((p) => p.id === defaults?.pattern) ??
    patterns.find((p) => p.id === SERVER_DEFAULT_PATTERN) ??
    patterns[0];
  return {
    prompt: '',
    documents: [],
    models: chosen,
    ultraModel: ultraModel ?? null,
    pattern: pattern?.id ?? '',
    params: paramDefaults(pattern),
    options: { quorum: '', temperature: '', maxOutputTokens: '' },
  };
}

/** An empty field is left out (the server's or the pattern's default); anything else is sent for the API to judge. */
function numberOf(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? undefined : Number(trimmed);
}

function numbersOf(values: Record<string, string>): Record<string, number> {
  const entries = Object.entries(values).flatMap(([name, text]) => {
    const value = numberOf(text);
    return value === undefined ? [] : [[name, value] as const];
  });
  return Object.fromEntries(entries);
}

/**
 * The body of `POST /api/analyze` (and of its estimate), or null while there is nothing to ask yet (no prompt or
 * no model), so no request is made that can only be refused.
 */
export function requestBodyOf(form: AnalysisForm, pattern: PatternInfo | undefined): AnalyzeRequest | null {
  if (!form.prompt.trim() || form.models.length === 0) return null;
  const declared = Object.fromEntries(Object.keys(pattern?.params ?? {}).map((name) => [name, form.params[name]]));
  const params = numbersOf(declared);
  const options = numbersOf({ ...form.options });
  return {
    prompt: form.prompt,
    models: form.models,
    ...(form.ultraModel && form.models.includes(form.ultraModel) && { ultraModel: form.ultraModel }),
    ...(form.pattern && { pattern: form.pattern }),
    ...(Object.keys(params).length > 0 && { params }),
    ...(Object.keys(options).length > 0 && { options }),
    ...(form.documents.length > 0 && { documentIds: form.documents.map((d) => d.id) }),
  };
}

/** The API's message for a field: its own path, or the first of its items (`models.2`, `params.layers`). */
export function errorAt(errors: Record<string, string>, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const nested = Object.keys(errors).find((key) => key.startsWith(`${path}.`));
  return nested ? errors[nested] : undefined;
}
