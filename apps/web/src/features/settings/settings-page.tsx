import { EmptyState, Page } from '../../components/ui';

export function SettingsPage() {
  return (
    <Page title="Settings">
      <EmptyState title="Coming soon." />
    </Page>
  );
}
