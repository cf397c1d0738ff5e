import type { ReactElement } from 'react';
import type { WebRoute } from '@ultra/contracts';
import { AnalysisPage } from '../features/analysis/analysis-page';
import { HistoryPage } from '../features/history/history-page';
import { NewAnalysisPage } from '../features/new-analysis/new-analysis-page';
import { PatternEditPage, PatternsPage } from '../features/patterns/patterns-page';
import { SettingsPage } from '../features/settings/settings-page';

/** Signed-in pages by path; each feature owns its folder under features/. */
export const featurePages: { path: WebRoute; element: ReactElement }[] = [
  { path: '/analyses/new', element: <NewAnalysisPage /> },
  { path: '/analyses/:id', element: <AnalysisPage /> },
  { path: '/history', element: <HistoryPage /> },
  { path: '/patterns', element: <PatternsPage /> },
  { path: '/patterns/new', element: <PatternEditPage /> },
  { path: '/patterns/:id', element: <PatternEditPage /> },
  { path: '/settings', element: <SettingsPage /> },
  { path: '/settings/:tab', element: <SettingsPage /> },
];
