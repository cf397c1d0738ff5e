import type { ModelInfo, PatternInfo, UserDefaultsView } from '@ultra/contracts';
import { useState } from 'react';
import { ErrorMessage, Loading } from '../../components/ui';
import { DefaultsForm } from './defaults-form';
import { useResource } from './use-api';

/**
 * The default panel: the models, ultra model and pattern a new analysis starts with. The form gets the loaded
 * panel once; after a save or clear it starts again from what the server answered.
 */
export function DefaultsPanel() {
  const defaults = useResource<UserDefaultsView>('/api/users/me/defaults');
  const catalog = useResource<{ models: ModelInfo[] }>('/api/available-models');
  const patterns = useResource<{ patterns: PatternInfo[] }>('/api/patterns');
  const [status, setStatus] = useState('');
  const [stored, setStored] = useState<UserDefaultsView | null>(null);
  const [generation, setGeneration] = useState(0);

  const panel = stored ?? defaults.data;
  const error = defaults.error ?? catalog.error ?? patterns.error;
  const changed = (next: UserDefaultsView, message: string) => {
    setStored(next);
    setGeneration((g) => g + 1);
    setStatus(message);
  };

  return (
    <>
      <p className="hint">
        New analyses start with these models and pattern; you can still change them for each analysis.
      </p>
      <p role="status" aria-live="polite" className="settings-status">
        {status}
      </p>
      <ErrorMessage error={error} />
      {(!panel || !catalog.data || !patterns.data) && !error && <Loading label="Loading your default panel…" />}
      {panel && catalog.data && patterns.data && (
        <DefaultsForm
          key={generation}
          initial={panel}
          models={catalog.data.models}
          patterns={patterns.data.patterns}
          onSaved={(saved) => changed(saved, 'Your default panel was saved.')}
          onCleared={() => changed({ models: [], ultraModel: null, pattern: null }, 'Your default panel was cleared.')}
        />
      )}
    </>
  );
}
