import type { AnalysisSource, AnalysisStatus, AnalysisView, CreateAnalysisCommand, StageRun } from '@ultra/contracts';
import {
  type FakeJsonServer,
  type FakeReply,
  type RecordedRequest,
  startFakeJsonServer,
} from '../../../../test/support/http';

export interface FakeResults {
  server: FakeJsonServer;
  /** Every CreateAnalysisCommand received, oldest first. */
  created: CreateAnalysisCommand[];
  /** Ids of the analyses deleted over DELETE /internal/analyses/:id, oldest first; reads no longer find them. */
  deleted: string[];
  /** The latest request received for this method and path (query aside), with its headers. */
  lastRequest(method: string, pathname: string): RecordedRequest | undefined;
  /** Makes every request answer this status (e.g. 500) until called with null. */
  failWith(status: number | null): void;
  /** Moves an analysis on, as the orchestrator would: its status and the stage runs its source shows. */
  advance(id: string, state: { status: AnalysisStatus; runs?: StageRun[] }): void;
}

interface Progress {
  status: AnalysisStatus;
  runs: StageRun[];
}

function viewOf(command: CreateAnalysisCommand, { status }: Progress): AnalysisView {
  const now = new Date().toISOString();
  return {
    id: command.id,
    status,
    pattern: command.pattern,
    models: command.models,
    ultraModel: command.ultraModel,
    prompt: command.prompt,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    stages: [],
    result: null,
    usage: { inputTokens: 0, outputTokens: 0 },
    params: command.params,
    options: command.options,
    sourceAnalysisId: command.sourceAnalysisId ?? null,
  };
}

function sourceOf(command: CreateAnalysisCommand, { status, runs }: Progress): AnalysisSource {
  const { id, prompt, models, ultraModel, pattern, patternSpec, params, options } = command;
  return { id, status, prompt, models, ultraModel, pattern, patternSpec, params, options, runs };
}

const notFound: FakeReply = { status: 404, body: { error: { code: 'analysis_not_found', message: 'not found' } } };

/**
 * Stands in for the results service's internal API: stores created analyses in memory and answers reads (the
 * view and a rerun's source) and deletes by owner, like the real one (another user's analysis is a 404; deleting a gone one is a 204). Every
 * request, with its headers, is in `server.requests`.
 */
export async function startFakeResults(): Promise<FakeResults> {
  const created: CreateAnalysisCommand[] = [];
  const deleted: string[] = [];
  const progress = new Map<string, Progress>();
  const progressOf = (id: string): Progress => progress.get(id) ?? { status: 'queued', runs: [] };
  const stored = () => created.filter((c) => !deleted.includes(c.id));
  let failure: number | null = null;
  const handle = (request: RecordedRequest): FakeReply => {
    if (failure !== null) return { status: failure, body: { error: { code: 'internal_error', message: 'down' } } };
    const { pathname, searchParams } = request.url;
    const userId = searchParams.get('userId');
    if (request.method === 'POST' && pathname === '/internal/analyses') {
      const command = request.body as CreateAnalysisCommand;
      created.push(command);
      return { status: 201, body: { id: command.id } };
    }
    if (request.method === 'GET' && pathname === '/internal/analyses') {
      const limit = Number(searchParams.get('limit') ?? '20');
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        const message = `limit must be an integer from 1 to 100, got "${searchParams.get('limit')}"`;
        return {
          status: 400,
          body: { error: { code: 'validation_failed', message, details: [{ path: 'limit', message }] } },
        };
      }
      const mine = stored()
        .filter((c) => c.userId === userId)
        .map((c) => viewOf(c, progressOf(c.id)));
      return { status: 200, body: { analyses: mine.slice(0, limit), nextCursor: null } };
    }
    const source = /^\/internal\/analyses\/([^/]+)\/source$/.exec(pathname);
    if (request.method === 'GET' && source) {
      const command = stored().find((c) => c.id === source[1] && c.userId === userId);
      return command ? { status: 200, body: sourceOf(command, progressOf(command.id)) } : notFound;
    }
    const match = /^\/internal\/analyses\/([^/]+)$/.exec(pathname);
    if (request.method === 'GET' && match) {
      const command = stored().find((c) => c.id === match[1] && c.userId === userId);
      return command ? { status: 200, body: viewOf(command, progressOf(command.id)) } : notFound;
    }
    if (request.method === 'DELETE' && match) {
      const command = stored().find((c) => c.id === match[1]);
      if (command && command.userId !== userId) return notFound;
      if (command) deleted.push(command.id);
      return { status: 204 };
    }
    return { status: 404, body: { error: { code: 'not_found', message: `no route ${pathname}` } } };
  };
  const server = await startFakeJsonServer(handle);
  return {
    server,
    created,
    deleted,
    lastRequest: (method, pathname) =>
      server.requests.findLast((r) => r.method === method && r.url.pathname === pathname),
    failWith: (status) => {
      failure = status;
    },
    advance: (id, { status, runs = [] }) => {
      progress.set(id, { status, runs });
    },
  };
}
