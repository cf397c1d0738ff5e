import { EmptyState, Page } from '../../components/ui';

export function AnalysisPage() {
  return (
    <Page title="Analysis">
      <EmptyState title="Coming soon." />
    </Page>
  );
}
