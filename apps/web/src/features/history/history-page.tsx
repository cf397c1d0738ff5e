import { EmptyState, Page } from '../../components/ui';

export function HistoryPage() {
  return (
    <Page title="History">
      <EmptyState title="Coming soon." />
    </Page>
  );
}
