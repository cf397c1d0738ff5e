import type { ModelInfo, ProviderKeyList, ProviderKeyView } from '@ultra/contracts';
import { useState } from 'react';
import { api } from '../../api/api-client';
import { EmptyState, ErrorMessage, Loading } from '../../components/ui';
import { ConfirmButton } from './confirm-button';
import { ProviderKeyForm } from './provider-key-form';
import { formatDate, useAction, useResource } from './use-api';

/** The gateway's built-in providers; servers of ULTRA_PROVIDERS_FILE join them from the catalog. */
const BUILT_IN_PROVIDERS = ['openai', 'anthropic', 'google', 'mistral'];
/** The catalog's offline provider takes no key. */
const KEYLESS_PROVIDERS = new Set(['mock']);

function providersOf(models: readonly ModelInfo[] | undefined): string[] {
  const fromCatalog = (models ?? []).map((m) => m.provider).filter((p) => !KEYLESS_PROVIDERS.has(p));
  return [...new Set([...BUILT_IN_PROVIDERS, ...fromCatalog])];
}

/** BYOK: the caller's own keys per provider, listed by their last four characters only. */
export function ProviderKeysPanel() {
  const keys = useResource<ProviderKeyList>('/api/provider-keys');
  const catalog = useResource<{ models: ModelInfo[] }>('/api/available-models');
  const remove = useAction();
  const [status, setStatus] = useState('');

  const deleteKey = async (provider: string) => {
    const ok = await remove.run(() =>
      api.request<void>('DELETE', `/api/provider-keys/${encodeURIComponent(provider)}`),
    );
    if (ok) setStatus(`The ${provider} key was deleted.`);
    keys.reload();
  };
  const saved = (key: ProviderKeyView) => {
    setStatus(`The ${key.provider} key ending in ${key.last4} was saved.`);
    keys.reload();
  };

  const list = keys.data?.providerKeys;
  return (
    <>
      <p className="hint">
        Your analyses call a provider with your own key when you store one, before the server&apos;s. Keys are stored
        encrypted and never shown again; only their last four characters are listed.
      </p>
      <p role="status" aria-live="polite" className="settings-status">
        {status}
      </p>
      <ErrorMessage error={keys.error ?? remove.error} />
      {!list && !keys.error && <Loading label="Loading your provider keys…" />}
      {list && list.length === 0 && <EmptyState title="No provider keys stored." />}
      {list && list.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Your provider keys</caption>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Key</th>
                <th scope="col">Base URL</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((key) => (
                <tr key={key.provider}>
                  <th scope="row">{key.provider}</th>
                  <td>
                    <code aria-label={`ending in ${key.last4}`}>…{key.last4}</code>
                  </td>
                  <td className="break">{key.baseUrl ?? 'Server default'}</td>
                  <td>{formatDate(key.createdAt)}</td>
                  <td>{formatDate(key.lastUsedAt)}</td>
                  <td>
                    <ConfirmButton
                      label="Delete"
                      accessibleLabel={`Delete the ${key.provider} key`}
                      question={`Delete your ${key.provider} key? Your analyses will use the server's key, if any.`}
                      confirmLabel="Delete key"
                      busy={remove.busy}
                      onConfirm={() => void deleteKey(key.provider)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ProviderKeyForm providers={providersOf(catalog.data?.models)} stored={list ?? []} onSaved={saved} />
    </>
  );
}
