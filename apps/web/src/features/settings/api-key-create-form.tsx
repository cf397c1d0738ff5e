import type { ApiKeyScope, CreateApiKeyRequest, CreatedApiKey } from '@ultra/contracts';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api/api-client';
import { Button, ErrorMessage, TextField } from '../../components/ui';
import { bannerError, useAction } from './use-api';

const SCOPES: { scope: ApiKeyScope; description: string; adminOnly?: boolean }[] = [
  { scope: 'read', description: 'read analyses, threads, exports, documents, patterns and the catalog' },
  { scope: 'analyze', description: 'start, follow up, cancel and delete analyses; change patterns and documents' },
  { scope: 'admin', description: 'the admin routes, while you are an admin', adminOnly: true },
];

/** The end of the chosen day in the browser's time zone, as the API's ISO date-time. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

interface ApiKeyCreateFormProps {
  isAdmin: boolean;
  onCreated: (created: CreatedApiKey) => void;
}

export function ApiKeyCreateForm({ isAdmin, onCreated }: ApiKeyCreateFormProps) {
  const id = useId();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['read']);
  const [expires, setExpires] = useState('');
  const create = useAction();

  const toggle = (scope: ApiKeyScope, on: boolean) =>
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: CreateApiKeyRequest = { name: name.trim(), scopes, ...(expires && { expiresAt: endOfDay(expires) }) };
    await create.run(async () => {
      onCreated(await api.post<CreatedApiKey>('/api/api-keys', body));
      setName('');
      setExpires('');
    });
  };

  const scopesError = create.fields.scopes ?? (scopes.length === 0 ? 'Choose at least one scope.' : undefined);
  return (
    <form className="card settings-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Create an API key</h3>
      <TextField
        label="Name"
        required
        maxLength={100}
        value={name}
        error={create.fields.name}
        hint="What uses it, e.g. “CI pipeline”."
        onChange={(e) => setName(e.target.value)}
      />
      <fieldset className="field checkbox-list" aria-describedby={scopesError ? `${id}-scopes-error` : undefined}>
        <legend className="label">Scopes</legend>
        {SCOPES.filter((s) => isAdmin || !s.adminOnly).map(({ scope, description }) => (
          <div key={scope} className="checkbox">
            <input
              id={`${id}-${scope}`}
              type="checkbox"
              checked={scopes.includes(scope)}
              aria-describedby={`${id}-${scope}-d`}
              onChange={(e) => toggle(scope, e.target.checked)}
            />
            <label htmlFor={`${id}-${scope}`}>{scope}</label>
            <span id={`${id}-${scope}-d`} className="hint">
              {description}
            </span>
          </div>
        ))}
        {scopesError && (
          <p id={`${id}-scopes-error`} className="field-error">
            {scopesError}
          </p>
        )}
      </fieldset>
      <TextField
        label="Expires (optional)"
        type="date"
        value={expires}
        error={create.fields.expiresAt}
        hint="The key stops working at the end of this day. Leave empty for a key that does not expire."
        onChange={(e) => setExpires(e.target.value)}
      />
      <ErrorMessage error={bannerError(create, ['name', 'scopes', 'expiresAt'])} />
      <Button type="submit" disabled={create.busy || name.trim() === '' || scopes.length === 0}>
        Create key
      </Button>
    </form>
  );
}
