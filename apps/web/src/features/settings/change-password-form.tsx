import type { ChangePassword } from '@ultra/contracts';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api/api-client';
import { Button, ErrorMessage, TextField } from '../../components/ui';
import { bannerError, useAction } from './use-api';

/** `POST /api/auth/password`: the server checks the policy (and ends every other session) on success. */
export function ChangePasswordForm({ onChanged }: { onChanged: (message: string) => void }) {
  const id = useId();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const body: ChangePassword = { currentPassword, newPassword };
    const ok = await change.run(() => api.post<void>('/api/auth/password', body));
    if (ok) {
      setCurrent('');
      setNew('');
      setRepeat('');
      onChanged('Your password was changed. Your other sessions were signed out.');
    }
  };

  return (
    <form className="card settings-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Change password</h3>
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        error={change.fields.currentPassword}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        value={newPassword}
        error={change.fields.newPassword}
        hint="A passphrase of a few words works well."
        onChange={(e) => setNew(e.target.value)}
      />
      <TextField
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        required
        value={repeat}
        error={mismatch ? 'The two new passwords differ.' : undefined}
        onChange={(e) => setRepeat(e.target.value)}
      />
      <ErrorMessage error={bannerError(change, ['currentPassword', 'newPassword'])} />
      <Button type="submit" disabled={change.busy || !currentPassword || !newPassword}>
        Change password
      </Button>
    </form>
  );
}
