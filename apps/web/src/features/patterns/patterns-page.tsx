import { EmptyState, Page } from '../../components/ui';

export function PatternsPage() {
  return (
    <Page title="Patterns">
      <EmptyState title="Coming soon." />
    </Page>
  );
}

export function PatternEditPage() {
  return (
    <Page title="Pattern">
      <EmptyState title="Coming soon." />
    </Page>
  );
}
