import { type FormEvent, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/api-client';
import { Button, ErrorMessage, Page, TextField } from '../components/ui';
import { useAuth } from './auth-context';

function AuthForm({ mode }: { mode: 'login' | 'signup' }) {
  const { user, login, register } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/analyses/new';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (user) return <Navigate to={from} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await (mode === 'login' ? login(email, password) : register(email, password));
      void navigate(from, { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  return (
    <Page title={mode === 'login' ? 'Log in' : 'Create your account'}>
      <form className="card narrow" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          error={fields.email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          value={password}
          error={fields.password}
          hint={mode === 'signup' ? 'A passphrase of a few words works well.' : undefined}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorMessage error={Object.keys(fields).length ? null : error} />
        <Button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Sign up'}
        </Button>
        <p>
          {mode === 'login' ? (
            <>
              New here? <Link to="/signup">Create an account</Link>
            </>
          ) : (
            <>
              Have an account? <Link to="/login">Log in</Link>
            </>
          )}
        </p>
      </form>
    </Page>
  );
}

export const LoginPage = () => <AuthForm mode="login" />;
export const SignupPage = () => <AuthForm mode="signup" />;
