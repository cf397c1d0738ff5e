import { EmptyState, Page } from '../../components/ui';

export function NewAnalysisPage() {
  return (
    <Page title="New analysis">
      <EmptyState title="Coming soon." />
    </Page>
  );
}
