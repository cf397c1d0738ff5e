import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider } from '../auth/auth-context';
import { LoginPage, SignupPage } from '../auth/auth-pages';
import { EmptyState, Page } from '../components/ui';
import { Layout, RequireAuth } from './layout';
import { featurePages } from './feature-pages';

function NotFound() {
  return (
    <Page title="Not found">
      <EmptyState title="There is no page here." />
    </Page>
  );
}

/** The pages; their paths are the gateway's WEB_ROUTES (libs/contracts), which serve index.html on reload. */
export function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route path="/" element={<Navigate to="/analyses/new" replace />} />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignupPage />} />
            {featurePages.map(({ path, element }) => (
              <Route key={path} path={path} element={<RequireAuth>{element}</RequireAuth>} />
            ))}
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
