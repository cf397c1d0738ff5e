import type { AnalyzeAccepted, AnalyzeRequest, DocumentView, PatternInfo } from '@ultra/contracts';
import { useCallback, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../../api/api-client';
import { type AnalysisForm, initialForm, type OptionValues, paramDefaults, requestBodyOf } from './analysis-form';
import type { AnalysisChoices } from './use-analysis-choices';

export interface AnalysisRequestState {
  form: AnalysisForm;
  pattern: PatternInfo | undefined;
  /** The request as it would be sent now; null until there is a prompt and a model. */
  body: AnalyzeRequest | null;
  setPrompt: (prompt: string) => void;
  setDocuments: (update: (documents: DocumentView[]) => DocumentView[]) => void;
  setModels: (models: string[]) => void;
  setUltraModel: (model: string) => void;
  setPattern: (pattern: string) => void;
  setParam: (name: string, value: string) => void;
  setOption: (name: keyof OptionValues, value: string) => void;
  submit: () => Promise<void>;
  submitting: boolean;
  submitError: unknown;
  /** The last refusal's messages by field path (`prompt`, `models.0`, `params.layers`…). */
  fieldErrors: Record<string, string>;
}

/** The new analysis being put together, and its submission: 202 goes on to the analysis' page. */
export function useAnalysisRequest(choices: AnalysisChoices): AnalysisRequestState {
  const navigate = useNavigate();
  const [form, setForm] = useState<AnalysisForm>(() => initialForm(choices));
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);

  const pattern = choices.patterns.find((p) => p.id === form.pattern);
  const body = useMemo(() => requestBodyOf(form, pattern), [form, pattern]);

  const setPrompt = useCallback((prompt: string) => setForm((f) => ({ ...f, prompt })), []);
  const setDocuments = useCallback(
    (update: (documents: DocumentView[]) => DocumentView[]) =>
      setForm((f) => ({ ...f, documents: update(f.documents) })),
    [],
  );
  // The ultra model stays one of the models: the first chosen one when it is unticked.
  const setModels = useCallback(
    (models: string[]) =>
      setForm((f) => ({
        ...f,
        models,
        ultraModel: f.ultraModel && models.includes(f.ultraModel) ? f.ultraModel : (models[0] ?? null),
      })),
    [],
  );
  const setUltraModel = useCallback((ultraModel: string) => setForm((f) => ({ ...f, ultraModel })), []);
  // Another pattern has other parameters: start from its defaults.
  const setPattern = useCallback(
    (id: string) =>
      setForm((f) => ({ ...f, pattern: id, params: paramDefaults(choices.patterns.find((p) => p.id === id)) })),
    [choices.patterns],
  );
  const setParam = useCallback(
    (name: string, value: string) => setForm((f) => ({ ...f, params: { ...f.params, [name]: value } })),
    [],
  );
  const setOption = useCallback(
    (name: keyof OptionValues, value: string) => setForm((f) => ({ ...f, options: { ...f.options, [name]: value } })),
    [],
  );

  const submit = useCallback(async () => {
    if (!body) {
      setSubmitError(new Error('Enter a prompt and choose at least one model.'));
      return;
    }
    setSubmitting(true);
    setSubmitError(null);
    try {
      const accepted = await api.post<AnalyzeAccepted>('/api/analyze', body);
      void navigate(`/analyses/${encodeURIComponent(accepted.id)}`);
    } catch (error) {
      setSubmitError(error);
      setSubmitting(false);
    }
  }, [body, navigate]);

  const fieldErrors = useMemo(() => (submitError instanceof ApiError ? submitError.fieldErrors() : {}), [submitError]);

  return {
    form,
    pattern,
    body,
    setPrompt,
    setDocuments,
    setModels,
    setUltraModel,
    setPattern,
    setParam,
    setOption,
    submit,
    submitting,
    submitError,
    fieldErrors,
  };
}
