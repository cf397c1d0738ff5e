import type { ApiKeyView, CreatedApiKey, MeView } from '@ultra/contracts';
import { useState } from 'react';
import { api } from '../../api/api-client';
import { EmptyState, ErrorMessage, Loading } from '../../components/ui';
import { ApiKeyCreateForm } from './api-key-create-form';
import { ConfirmButton } from './confirm-button';
import { NewApiKey } from './new-api-key';
import { formatDate, useAction, useResource } from './use-api';

/** Keys for programs (the CLI, CI, the OpenAI-compatible routes): listed by name and prefix, never the key. */
export function ApiKeysPanel() {
  const keys = useResource<ApiKeyView[]>('/api/api-keys');
  const me = useResource<MeView>('/api/users/me');
  const revoke = useAction();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [status, setStatus] = useState('');

  const revokeKey = async (key: ApiKeyView) => {
    const ok = await revoke.run(() => api.request<void>('DELETE', `/api/api-keys/${encodeURIComponent(key.id)}`));
    if (ok) setStatus(`The key “${key.name}” was revoked.`);
    keys.reload();
  };
  const onCreated = (key: CreatedApiKey) => {
    setStatus('');
    setCreated(key);
    keys.reload();
  };
  const done = () => {
    setCreated(null);
    setStatus('The new key was hidden.');
  };

  const list = keys.data;
  return (
    <>
      <p className="hint">
        API keys let programs call the API as you, limited to their scopes. They cannot manage keys or your account.
      </p>
      <p role="status" aria-live="polite" className="settings-status">
        {status}
      </p>
      {created && <NewApiKey created={created} onDone={done} />}
      <ErrorMessage error={keys.error ?? revoke.error} />
      {!list && !keys.error && <Loading label="Loading your API keys…" />}
      {list && list.length === 0 && <EmptyState title="No API keys yet." />}
      {list && list.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Your API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((key) => (
                <tr key={key.id}>
                  <th scope="row" className="break">
                    {key.name}
                  </th>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.scopes.join(', ')}</td>
                  <td>{formatDate(key.createdAt)}</td>
                  <td>{formatDate(key.lastUsedAt)}</td>
                  <td>{formatDate(key.expiresAt, 'No expiry')}</td>
                  <td>
                    <ConfirmButton
                      label="Revoke"
                      accessibleLabel={`Revoke ${key.name}`}
                      question={`Revoke “${key.name}”? Programs using it are refused from their next request.`}
                      confirmLabel="Revoke key"
                      busy={revoke.busy}
                      onConfirm={() => void revokeKey(key)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ApiKeyCreateForm isAdmin={me.data?.role === 'admin'} onCreated={onCreated} />
    </>
  );
}
