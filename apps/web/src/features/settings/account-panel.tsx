import type { MeView } from '@ultra/contracts';
import { useState } from 'react';
import { api } from '../../api/api-client';
import { useAuth } from '../../auth/auth-context';
import { ErrorMessage, Loading } from '../../components/ui';
import { ChangeEmailForm } from './change-email-form';
import { ChangePasswordForm } from './change-password-form';
import { ConfirmButton } from './confirm-button';
import { formatDate, useAction, useResource } from './use-api';

/**
 * The account: who you are, email and password, and signing out everywhere. The API lists no sessions and has no
 * account deletion, so neither is offered here.
 */
export function AccountPanel() {
  const me = useResource<MeView>('/api/users/me');
  const { logout } = useAuth();
  const signOutAll = useAction();
  const [updated, setUpdated] = useState<MeView | null>(null);
  const [status, setStatus] = useState('');

  const account = updated ?? me.data;
  const everywhere = async () => {
    const ok = await signOutAll.run(() => api.post<void>('/api/auth/logout-all'));
    // This session ended with the others: back to the login page.
    if (ok) await logout();
  };

  if (me.error && !account) return <ErrorMessage error={me.error} />;
  if (!account) return <Loading label="Loading your account…" />;
  return (
    <>
      <p role="status" aria-live="polite" className="settings-status">
        {status}
      </p>
      <dl className="card account-facts">
        <dt>Email</dt>
        <dd>{account.email}</dd>
        {account.tier && (
          <>
            <dt>Tier</dt>
            <dd>{account.tier}</dd>
          </>
        )}
        {account.role && (
          <>
            <dt>Role</dt>
            <dd>{account.role}</dd>
          </>
        )}
        <dt>Member since</dt>
        <dd>{formatDate(account.createdAt)}</dd>
      </dl>
      <div className="settings-columns">
        <ChangeEmailForm
          email={account.email}
          onChanged={(next) => {
            setUpdated(next);
            setStatus(`Your email is now ${next.email}.`);
          }}
        />
        <ChangePasswordForm onChanged={setStatus} />
      </div>
      <section className="card settings-form" aria-labelledby="sessions-heading">
        <h3 id="sessions-heading">Sessions</h3>
        <p className="hint">
          Signs out every browser and device signed in to your account, this one included. API keys keep working; revoke
          them under API keys.
        </p>
        <ErrorMessage error={signOutAll.error} />
        <ConfirmButton
          label="Sign out everywhere"
          question="Sign out of every session, this one included?"
          confirmLabel="Sign out all sessions"
          busy={signOutAll.busy}
          onConfirm={() => void everywhere()}
        />
      </section>
    </>
  );
}
