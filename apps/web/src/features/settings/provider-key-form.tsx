import type { ProviderKeyRequest, ProviderKeyView } from '@ultra/contracts';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api/api-client';
import { Button, ErrorMessage, TextField } from '../../components/ui';
import { bannerError, useAction } from './use-api';

interface ProviderKeyFormProps {
  providers: readonly string[];
  stored: readonly ProviderKeyView[];
  onSaved: (saved: ProviderKeyView) => void;
}

/**
 * Adds or replaces the caller's key for one provider. The key goes to the server once and the field is emptied
 * after it is stored: the page never holds it longer than the request, and nothing ever shows it back.
 */
export function ProviderKeyForm({ providers, stored, onSaved }: ProviderKeyFormProps) {
  const selectId = useId();
  const [chosen, setProvider] = useState('');
  // The list grows when the catalog arrives; until a choice is made, the first provider is selected.
  const provider = providers.includes(chosen) ? chosen : (providers[0] ?? '');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const save = useAction();
  const replacing = stored.some((key) => key.provider === provider);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: ProviderKeyRequest = { apiKey, ...(baseUrl.trim() && { baseUrl: baseUrl.trim() }) };
    let saved: ProviderKeyView | undefined;
    const ok = await save.run(async () => {
      saved = await api.request<ProviderKeyView>('PUT', `/api/provider-keys/${encodeURIComponent(provider)}`, body);
    });
    // Emptied on failure too: a refused key is retyped rather than left sitting in the page.
    setApiKey('');
    if (ok && saved) {
      setBaseUrl('');
      onSaved(saved);
    }
  };

  return (
    <form className="card settings-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${selectId}-h`}>
      <h3 id={`${selectId}-h`}>Add or replace a key</h3>
      <div className="field">
        <label htmlFor={selectId}>Provider</label>
        <select id={selectId} value={provider} onChange={(e) => setProvider(e.target.value)}>
          {providers.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </div>
      <TextField
        label="API key"
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        value={apiKey}
        error={save.fields.apiKey}
        hint={replacing ? `This replaces your stored ${provider} key.` : 'Stored encrypted; it is never shown again.'}
        onChange={(e) => setApiKey(e.target.value)}
      />
      <TextField
        label="Base URL (optional)"
        type="url"
        inputMode="url"
        placeholder="https://api.example.com/v1"
        value={baseUrl}
        error={save.fields.baseUrl}
        hint="Leave empty to use the server's endpoint for this provider."
        onChange={(e) => setBaseUrl(e.target.value)}
      />
      <ErrorMessage error={bannerError(save, ['apiKey', 'baseUrl'])} />
      <Button type="submit" disabled={save.busy || !provider || apiKey.length === 0}>
        {replacing ? 'Replace key' : 'Save key'}
      </Button>
    </form>
  );
}
