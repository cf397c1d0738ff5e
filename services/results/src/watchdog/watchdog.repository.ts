import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AnalysisStatus } from '@ultra/contracts';
import { DataSource } from 'typeorm';
import { NOW_MS } from '../analyses/analyses.repository';

/** An analysis the watchdog looks at: enough to end it or to resume it. */
export interface WatchedAnalysis {
  id: string;
  requestId: string;
  status: AnalysisStatus;
}

const NOT_ENDED = [AnalysisStatus.Queued, AnalysisStatus.Running];
/** Epoch milliseconds in SQL, to compare with deadline_at. */
const EPOCH_MS = '(extract(epoch from now()) * 1000)::bigint';
/** Analyses acted on per sweep; the next sweep takes the rest, so one sweep never holds the database for long. */
export const SWEEP_BATCH = 100;

/** The watchdog's queries. Each only reads; ending an analysis goes through the lifecycle's conditional update. */
@Injectable()
export class WatchdogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Analyses that have not ended although their deadline passed more than `graceMs` ago. */
  pastDeadline(graceMs: number): Promise<WatchedAnalysis[]> {
    return this.select(`deadline_at IS NOT NULL AND deadline_at + $2 < ${EPOCH_MS}`, [graceMs]);
  }

  /**
   * Analyses no orchestrator has taken on for `timeoutMs`: still queued that long after they were created, or
   * running without a deadline (no analysis.started arrived) and without progress that long.
   */
  neverStarted(timeoutMs: number): Promise<WatchedAnalysis[]> {
    return this.select(
      `((status = 'queued' AND created_at < now() - make_interval(secs => $2 / 1000.0))
        OR (deadline_at IS NULL AND updated_at < now() - make_interval(secs => $2 / 1000.0)))`,
      [timeoutMs],
    );
  }

  /** Analyses without progress for `graceMs` and not yet past their deadline: those whose work may have been lost. */
  idle(graceMs: number): Promise<WatchedAnalysis[]> {
    return this.select(
      `updated_at < now() - make_interval(secs => $2 / 1000.0)
       AND (deadline_at IS NULL OR deadline_at > ${EPOCH_MS})`,
      [graceMs],
    );
  }

  /**
   * Takes an idle analysis for recovery: marks it as progressing now, only if it is still idle. One replica's sweep
   * wins; the others (and this one's next sweep, for `graceMs`) leave it alone. True when this call took it.
   */
  async claim(id: string, graceMs: number): Promise<boolean> {
    const [row] = await this.dataSource.query<{ claimed: number }[]>(
      `WITH claimed AS (
         UPDATE analyses SET updated_at = ${NOW_MS()}
          WHERE id = $1 AND status = ANY($2::varchar[]) AND updated_at < now() - make_interval(secs => $3 / 1000.0)
         RETURNING 1
       )
       SELECT count(*)::int AS claimed FROM claimed`,
      [id, NOT_ENDED, graceMs],
    );
    return (row?.claimed ?? 0) > 0;
  }

  private select(condition: string, values: unknown[]): Promise<WatchedAnalysis[]> {
    return this.dataSource.query<WatchedAnalysis[]>(
      `SELECT id, request_id AS "requestId", status
         FROM analyses
        WHERE status = ANY($1::varchar[]) AND ${condition}
        ORDER BY updated_at
        LIMIT ${SWEEP_BATCH}`,
      [NOT_ENDED, ...values],
    );
  }
}
