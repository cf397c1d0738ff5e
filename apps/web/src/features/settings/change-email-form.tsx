import type { MeView, UpdateMe } from '@ultra/contracts';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api/api-client';
import { Button, ErrorMessage, TextField } from '../../components/ui';
import { bannerError, useAction } from './use-api';

interface ChangeEmailFormProps {
  email: string;
  onChanged: (me: MeView) => void;
}

/** `PATCH /api/users/me`: a new email needs the current password, so a borrowed session cannot take the account. */
export function ChangeEmailForm({ email, onChanged }: ChangeEmailFormProps) {
  const id = useId();
  const [next, setNext] = useState(email);
  const [currentPassword, setPassword] = useState('');
  const change = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: UpdateMe = { email: next.trim(), currentPassword };
    await change.run(async () => {
      const me = await api.request<MeView>('PATCH', '/api/users/me', body);
      setPassword('');
      onChanged(me);
    });
  };

  return (
    <form className="card settings-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Change email</h3>
      <TextField
        label="New email"
        type="email"
        autoComplete="email"
        required
        value={next}
        error={change.fields.email}
        onChange={(e) => setNext(e.target.value)}
      />
      <TextField
        label="Your password"
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        error={change.fields.currentPassword}
        hint="Your current password, to confirm it is you."
        onChange={(e) => setPassword(e.target.value)}
      />
      <ErrorMessage error={bannerError(change, ['email', 'currentPassword'])} />
      <Button type="submit" disabled={change.busy || !currentPassword || next.trim() === '' || next.trim() === email}>
        Change email
      </Button>
    </form>
  );
}
