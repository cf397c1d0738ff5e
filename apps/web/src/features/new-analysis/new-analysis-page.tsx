import { useMemo } from 'react';
import { Button, ErrorMessage, Loading, Page } from '../../components/ui';
import { AnalysisOptions } from './analysis-options';
import { errorAt } from './analysis-form';
import { EstimatePanel } from './estimate-panel';
import { ModelPicker } from './model-picker';
import { PatternPicker } from './pattern-picker';
import { PromptEditor } from './prompt-editor';
import { type AnalysisChoices, useAnalysisChoices } from './use-analysis-choices';
import { useAnalysisRequest } from './use-analysis-request';
import './new-analysis.css';

function NewAnalysisForm({ choices }: { choices: AnalysisChoices }) {
  const request = useAnalysisRequest(choices);
  const { form, fieldErrors: errors } = request;
  const modelNames = useMemo(() => new Map(choices.models.map((m) => [m.id, m.displayName])), [choices.models]);

  return (
    <form
      className="new-analysis"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void request.submit();
      }}
    >
      <div className="new-analysis-main">
        <section>
          <h2>Question</h2>
          <PromptEditor
            prompt={form.prompt}
            onPromptChange={request.setPrompt}
            documents={form.documents}
            onDocumentsChange={request.setDocuments}
            promptError={errors.prompt}
            documentsError={errorAt(errors, 'documentIds')}
          />
        </section>
        <section>
          <h2>Pattern</h2>
          <PatternPicker
            patterns={choices.patterns}
            value={form.pattern}
            onChange={request.setPattern}
            params={form.params}
            onParamChange={request.setParam}
            errors={errors}
          />
          <AnalysisOptions values={form.options} onChange={request.setOption} errors={errors} />
        </section>
      </div>
      <div className="new-analysis-side">
        <section>
          <h2>Models</h2>
          <ModelPicker
            models={choices.models}
            selected={form.models}
            ultraModel={form.ultraModel}
            onChange={request.setModels}
            onUltraModelChange={request.setUltraModel}
            error={errorAt(errors, 'models')}
            ultraError={errors.ultraModel}
          />
        </section>
        <EstimatePanel body={request.body} modelNames={modelNames} />
        <div className="run-analysis">
          <ErrorMessage error={request.submitError} />
          {request.submitting && <Loading label="Starting the analysis…" />}
          <Button type="submit" disabled={request.submitting}>
            Run analysis
          </Button>
        </div>
      </div>
    </form>
  );
}

/** Puts an analysis together (prompt, documents, models, pattern, options), shows its estimate, and runs it. */
export function NewAnalysisPage() {
  const { state, retry } = useAnalysisChoices();
  return (
    <Page title="New analysis">
      {!state ? (
        <Loading label="Loading models and patterns…" />
      ) : state.choices ? (
        <NewAnalysisForm choices={state.choices} />
      ) : (
        <>
          <ErrorMessage error={state.error} />
          <Button variant="secondary" onClick={retry}>
            Try again
          </Button>
        </>
      )}
    </Page>
  );
}
