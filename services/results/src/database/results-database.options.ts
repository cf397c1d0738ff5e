import type { DatabaseOptions } from '@ultra/platform';
import { AnalysisEntity } from '../analyses/analysis.entity';
import { StageOutputEntity } from '../analyses/stage-output.entity';
import { StageRunEntity } from '../analyses/stage-run.entity';
import { CreateResultsTables1732000000000 } from './migrations/1732000000000-create-results-tables';
import { AddOutputUsageDetails1732000001000 } from './migrations/1732000001000-add-output-usage-details';
import { PatternsAsData1732000002000 } from './migrations/1732000002000-patterns-as-data';
import { OutputProvenanceAndDeadline1732000003000 } from './migrations/1732000003000-output-provenance-and-deadline';
import { Webhooks1732000004000 } from './migrations/1732000004000-webhooks';
import { AnalysisSearch1732000005000 } from './migrations/1732000005000-analysis-search';
import { AnalysisDocuments1732000006000 } from './migrations/1732000006000-analysis-documents';
import { AnalysisThreads1732000007000 } from './migrations/1732000007000-analysis-threads';
import { OutputToolCalls1767000001000 } from './migrations/1767000001000-output-tool-calls';
import { AnalysisConversation1767000003000 } from './migrations/1767000003000-analysis-conversation';

/** Shared by the running service and `migrate.js`, so both see the same entities and migration history. */
export const resultsDatabase: DatabaseOptions = {
  entities: [AnalysisEntity, StageOutputEntity, StageRunEntity],
  migrations: [
    CreateResultsTables1732000000000,
    AddOutputUsageDetails1732000001000,
    PatternsAsData1732000002000,
    OutputProvenanceAndDeadline1732000003000,
    Webhooks1732000004000,
    AnalysisSearch1732000005000,
    AnalysisDocuments1732000006000,
    AnalysisThreads1732000007000,
    OutputToolCalls1767000001000,
    AnalysisConversation1767000003000,
  ],
  migrationsTableName: 'results_migrations',
};
