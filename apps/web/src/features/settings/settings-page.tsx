import type { ComponentType } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import { Page } from '../../components/ui';
import { AccountPanel } from './account-panel';
import { ApiKeysPanel } from './api-keys-panel';
import { DefaultsPanel } from './defaults-panel';
import { ProviderKeysPanel } from './provider-keys-panel';
import { UsagePanel } from './usage-panel';
import './settings.css';

interface SettingsTab {
  /** The `:tab` of `/settings/:tab`. */
  id: string;
  label: string;
  Panel: ComponentType;
}

const SETTINGS_TABS: readonly SettingsTab[] = [
  { id: 'keys', label: 'Provider keys', Panel: ProviderKeysPanel },
  { id: 'api-keys', label: 'API keys', Panel: ApiKeysPanel },
  { id: 'defaults', label: 'Default panel', Panel: DefaultsPanel },
  { id: 'usage', label: 'Usage', Panel: UsagePanel },
  { id: 'account', label: 'Account', Panel: AccountPanel },
];

/**
 * Settings, one section per URL (`/settings/:tab`), so each can be linked and reloaded. The sections are a nav of
 * links rather than an ARIA tablist: each is its own page, and links keep the browser's history and middle-click.
 */
export function SettingsPage() {
  const { tab = SETTINGS_TABS[0].id } = useParams();
  const current = SETTINGS_TABS.find((t) => t.id === tab);
  if (!current) return <Navigate to="/settings" replace />;
  return (
    <Page title="Settings">
      <div className="settings-layout">
        <nav aria-label="Settings sections" className="settings-nav">
          <ul>
            {SETTINGS_TABS.map((t) => (
              <li key={t.id}>
                {/* Marked by hand: the first section is also /settings itself, which NavLink would not match. */}
                <Link to={`/settings/${t.id}`} aria-current={t.id === current.id ? 'page' : undefined}>
                  {t.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <section className="settings-panel" aria-labelledby="settings-section-title">
          <h2 id="settings-section-title">{current.label}</h2>
          {/* key: a section's state (a half-typed form, a shown API key) does not leak into another. */}
          <current.Panel key={current.id} />
        </section>
      </div>
    </Page>
  );
}
