import type { AuthResponse, UserView } from '@ultra/contracts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from '../api/api-client';

interface AuthState {
  /** undefined while a stored session is being restored. */
  user: UserView | null | undefined;
  login: (email: string, password: string) => Promise<void>;
  register: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** Restores a stored session on load (silent refresh), and signs in, up and out. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<UserView | null | undefined>(api.hasStoredSession() ? undefined : null);

  useEffect(() => {
    api.onSignedOut = () => setUser(null);
    if (!api.hasStoredSession()) return;
    let live = true;
    api
      .refresh()
      .then(async (ok) => (ok ? api.get<UserView>('/api/users/me') : null))
      .then((me) => live && setUser(me))
      .catch(() => live && setUser(null));
    return () => {
      live = false;
    };
  }, []);

  const signIn = useCallback(async (path: string, email: string, password: string) => {
    const auth = await api.post<AuthResponse>(path, { email, password });
    api.begin(auth);
    setUser(auth.user);
  }, []);

  const logout = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    api.end();
    setUser(null);
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      user,
      login: (email, password) => signIn('/api/auth/login', email, password),
      register: (email, password) => signIn('/api/auth/register', email, password),
      logout,
    }),
    [user, signIn, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
