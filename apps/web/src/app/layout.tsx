import { type ReactNode, useEffect, useRef } from 'react';
import { Link, NavLink, Navigate, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/auth-context';
import { Button, Loading } from '../components/ui';
import { useTheme } from '../theme/theme';

/** Moves focus to the page's heading on navigation, so keyboard and screen-reader users land on the new page. */
function useFocusOnNavigate(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('page-title')?.focus();
  }, [pathname]);
}

export function Layout() {
  const { user, logout } = useAuth();
  const [theme, toggleTheme] = useTheme();
  useFocusOnNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Ultra
        </Link>
        {user && (
          <nav aria-label="Main">
            <NavLink to="/analyses/new">New analysis</NavLink>
            <NavLink to="/history">History</NavLink>
            <NavLink to="/patterns">Patterns</NavLink>
            <NavLink to="/settings">Settings</NavLink>
          </nav>
        )}
        <div className="topbar-actions">
          <Button
            variant="secondary"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? 'Light' : 'Dark'}
          </Button>
          {user && (
            <Button variant="secondary" onClick={() => void logout()}>
              Log out
            </Button>
          )}
        </div>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}

/** Pages that need a signed-in user; the login page sends them back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (user === undefined) return <Loading label="Restoring your session…" />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}
