import { Client } from 'pg';

export interface AnalysisRow {
  id: string;
  status: string;
  error: { code: string; message: string } | null;
}

export interface OutputRow {
  analysis_id: string;
  stage: string;
  stage_index: number;
  model: string;
  status: string;
  category: string | null;
}

/** What the store holds after a scenario: the facts every invariant is checked against. */
export interface Audit {
  accepted: number;
  /** Accepted ids with no row. */
  lost: string[];
  /** Rows (accepted or not) still queued or running. */
  notEnded: AnalysisRow[];
  /** Rows that were never accepted (a 503 that still left its row). */
  unaccepted: AnalysisRow[];
  completed: number;
  failed: AnalysisRow[];
  /** The same model's output for the same stage round stored more than once. */
  duplicates: { analysis_id: string; stage: string; round: number; model: string; sample: number; n: number }[];
  outputs: OutputRow[];
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Counts the accepted analyses that have ended; throws while the database does not answer. */
export async function endedCount(url: string, ids: string[]): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM analyses WHERE id = ANY($1::uuid[]) AND status IN ('completed', 'failed')`,
      [ids],
    );
    return rows[0].n;
  });
}

/**
 * Analyses of any client still queued or running. A crash can store an analysis whose 202 never reached the client
 * (not in `accepted`); the watchdog resumes it after its grace, and the audit holds it to the same invariant.
 */
async function unendedCount(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM analyses WHERE status NOT IN ('completed', 'failed')`,
    );
    return rows[0].n;
  });
}

/**
 * Waits until every accepted analysis, and every other one the store holds, has ended, or `timeoutMs` has passed;
 * polls the database (not the API, which depends on more services) and rides out its outages. Returns how long it took, or null when they never all ended.
 */
export async function waitForDrain(url: string, ids: string[], timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const ended = await endedCount(url, ids).catch(() => -1);
    if (ended === ids.length && (await unendedCount(url).catch(() => -1)) === 0) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

export async function auditStore(url: string, accepted: string[]): Promise<Audit> {
  return withClient(url, async (client) => {
    const analyses = (await client.query<AnalysisRow>(`SELECT id, status, error FROM analyses`)).rows;
    const ids = new Set(analyses.map((a) => a.id));
    const acceptedSet = new Set(accepted);
    const duplicates = (
      await client.query<Audit['duplicates'][number]>(`
        SELECT o.analysis_id, r.stage, r.round, o.model, o.sample, count(*)::int AS n
          FROM stage_outputs o JOIN stage_runs r USING (analysis_id, stage_index)
         GROUP BY o.analysis_id, r.stage, r.round, o.model, o.sample
        HAVING count(*) > 1`)
    ).rows;
    const outputs = (
      await client.query<OutputRow>(
        `SELECT analysis_id, stage, stage_index, model, status, error->>'category' AS category FROM stage_outputs`,
      )
    ).rows;
    return {
      accepted: accepted.length,
      lost: accepted.filter((id) => !ids.has(id)),
      notEnded: analyses.filter((a) => a.status === 'queued' || a.status === 'running'),
      unaccepted: analyses.filter((a) => !acceptedSet.has(a.id)),
      completed: analyses.filter((a) => acceptedSet.has(a.id) && a.status === 'completed').length,
      failed: analyses.filter((a) => acceptedSet.has(a.id) && a.status === 'failed'),
      duplicates,
      outputs,
    };
  });
}

/** Failed outputs per model and category: `{ "openai:gpt-4o-mini": { "rate_limit": 3 } }`. */
export function failuresByModel(outputs: OutputRow[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const o of outputs.filter((o) => o.status === 'failed')) {
    const row = (table[o.model] ??= {});
    row[o.category ?? 'none'] = (row[o.category ?? 'none'] ?? 0) + 1;
  }
  return table;
}

/**
 * A failed analysis carries its true cause when its code is one of the every-model-failed codes and its message
 * names each model of its last stage with that model's failure category. Returns the analyses that do not.
 */
export function wronglyCategorised(audit: Audit): { id: string; error: AnalysisRow['error']; why: string }[] {
  const wrong: { id: string; error: AnalysisRow['error']; why: string }[] = [];
  const codes = new Set(['all_models_failed', 'quorum_not_met', 'synthesis_failed']);
  for (const analysis of audit.failed) {
    const error = analysis.error;
    if (!error || !codes.has(error.code)) {
      wrong.push({ id: analysis.id, error, why: 'not an every-model-failed code' });
      continue;
    }
    const own = audit.outputs.filter((o) => o.analysis_id === analysis.id);
    const lastIndex = Math.max(...own.map((o) => o.stage_index));
    const lastStage = own.find((o) => o.stage_index === lastIndex)?.stage;
    const failedInLast = own.filter((o) => o.stage === lastStage && o.status === 'failed');
    const missing = failedInLast.filter(
      (o) => !error.message.includes(o.model) || !error.message.includes(o.category ?? '?'),
    );
    if (missing.length) {
      wrong.push({
        id: analysis.id,
        error,
        why: `message does not name ${missing.map((o) => `${o.model} (${o.category})`).join(', ')}`,
      });
    }
  }
  return wrong;
}
