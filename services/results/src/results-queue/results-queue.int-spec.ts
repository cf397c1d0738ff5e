import { randomUUID } from 'node:crypto';
import {
  analysisEventsStream,
  type AnalysisView,
  type ModelCallResult,
  type ModelId,
  type PatternSpec,
  type PushEvent,
  SCHEMA_VERSION,
  type StageName,
} from '@ultra/contracts';
import { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { eventually } from '../../../../test/support/eventually';
import { fourStagePattern, mixedPattern } from '../testing/patterns';
import {
  answered as answeredCall,
  type Envelope,
  failedCall,
  finishJob,
  RETRIES,
  ResultsJobs,
  stageRecord,
} from '../testing/results-jobs';
import { type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

let app: ResultsTestApp;
let jobs: ResultsJobs;

const models: ModelId[] = ['mock:alpha', 'mock:beta', 'mock:gamma'];

beforeAll(async () => {
  app = await startResultsTestApp({ LOG_LEVEL: 'error' });
  jobs = new ResultsJobs(app, randomUUID());
});

afterAll(async () => {
  await jobs?.close();
  await app?.close();
});

/** A new queued analysis of the three models. */
function createAnalysis(patternSpec: PatternSpec = fourStagePattern('confidence')): Promise<Envelope> {
  return jobs.createAnalysis(patternSpec, models);
}

/** An answer that reports cached input tokens, so the views show them and their totals. */
function answered(model: ModelId, stage: StageName, overrides: Partial<ModelCallResult> = {}): ModelCallResult {
  const usage = { inputTokens: 10, outputTokens: 4, cachedInputTokens: 2, costUsd: 0.0005 };
  return answeredCall(model, stage, { usage, ...overrides });
}

/** The finish of a completed analysis whose answer is `model`'s output of run `stageIndex` of `stage`. */
function answer(stage: StageName, stageIndex: number, model: ModelId, text: string, data = {}) {
  return { stage, stageIndex, model, sample: 0, text, data };
}

async function stored(analysisId: string): Promise<{ outputs: number; runs: number }> {
  const [counts] = await app.sql<{ outputs: number; runs: number }>(
    `SELECT (SELECT count(*) FROM stage_outputs WHERE analysis_id = $1)::int AS outputs,
            (SELECT count(*) FROM stage_runs WHERE analysis_id = $1)::int AS runs`,
    [analysisId],
  );
  return counts ?? { outputs: 0, runs: 0 };
}

describe('results queue', () => {
  describe('one analysis, stage by stage', () => {
    let envelope: Envelope;
    const initial = () =>
      stageRecord(envelope, 'initial', 0, [
        answered('mock:alpha', 'initial'),
        failedCall('mock:beta', 'rate_limit', 'slow down'),
        failedCall('mock:gamma', 'worker_lost', 'the model task ended without a result'),
      ]);

    beforeAll(async () => {
      envelope = await createAnalysis();
    });

    it('marks the analysis running on analysis.started', async () => {
      await jobs.settled(await jobs.add('analysis.started', envelope), 'completed');
      const current = await jobs.view(envelope.analysisId);
      expect(current.status).toBe('running');
      expect(current.stages.map((s) => s.status)).toEqual(['running', 'pending', 'pending', 'pending']);
    });

    it('stores every output of a stage.record, failed ones with their error, and shows them', async () => {
      await jobs.record(initial());

      const current = await jobs.view(envelope.analysisId);
      expect(current.stages.map((s) => s.status)).toEqual(['completed', 'running', 'pending', 'pending']);
      expect(current.stages[0]).toMatchObject({ id: 'initial', label: 'Initial', kind: 'generate', index: 0 });
      expect(current.stages[0]?.outputs).toEqual([
        {
          model: 'mock:alpha',
          sample: 0,
          status: 'completed',
          text: 'mock:alpha on initial',
          latencyMs: 20,
          usage: { inputTokens: 10, outputTokens: 4, cachedInputTokens: 2, costUsd: 0.0005 },
        },
        {
          model: 'mock:beta',
          sample: 0,
          status: 'failed',
          text: null,
          error: { category: 'rate_limit', message: 'slow down' },
          latencyMs: 7,
          usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        },
        {
          model: 'mock:gamma',
          sample: 0,
          status: 'failed',
          text: null,
          error: { category: 'worker_lost', message: 'the model task ended without a result' },
          latencyMs: 7,
          usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        },
      ]);
      expect(current.usage).toEqual({ inputTokens: 10, outputTokens: 4, cachedInputTokens: 2, costUsd: 0.0005 });
    });

    it('adds no rows when the same stage.record is delivered again', async () => {
      const before = await jobs.view(envelope.analysisId);
      const again = await jobs.add('stage.record', initial(), { jobId: `${envelope.analysisId}_0_record_again` });
      await jobs.settled(again, 'completed');

      expect(await stored(envelope.analysisId)).toEqual({ outputs: 3, runs: 1 });
      const after = await jobs.view(envelope.analysisId);
      expect(after.stages).toEqual(before.stages);
      expect(after.usage).toEqual(before.usage);
    });
  });

  describe('a pattern whose stages repeat, aggregate, are skipped and sample', () => {
    let envelope: Envelope;
    const tally = {
      ranking: [{ model: 'mock:beta', points: 4, meanPosition: 1, votes: 2 }],
      voters: 2,
      unparsed: [{ model: 'mock:gamma', reason: 'no JSON object' }],
      selfVotesIgnored: 2,
    };

    beforeAll(async () => {
      envelope = await createAnalysis(mixedPattern());
    });

    it('keeps every output of a stage run twice, each round its own run', async () => {
      const rounds = [1, 2].map((round) =>
        stageRecord(
          envelope,
          'answer',
          round - 1,
          models.map((m) =>
            answered(m, 'answer', {
              text: `${m}, round ${round}`,
              data: m === 'mock:gamma' ? null : { ranking: ['A', 'B'] },
              dataError: m === 'mock:gamma' ? 'no JSON object' : null,
            }),
          ),
          { round },
        ),
      );
      await Promise.all(rounds.map((r) => jobs.record(r)));

      expect(await stored(envelope.analysisId)).toEqual({ outputs: 6, runs: 2 });
      const [first, second] = (await jobs.view(envelope.analysisId)).stages;
      expect(first).toMatchObject({ id: 'answer', index: 0, round: 1, status: 'completed' });
      expect(second).toMatchObject({ id: 'answer', index: 1, round: 2, status: 'completed' });
      expect(second?.outputs.map((o) => o.text)).toEqual([
        'mock:alpha, round 2',
        'mock:beta, round 2',
        'mock:gamma, round 2',
      ]);
      expect(second?.outputs[0]).toMatchObject({ data: { ranking: ['A', 'B'] } });
      expect(second?.outputs[2]).toMatchObject({ data: null, dataError: 'no JSON object' });
    });

    it('stores an aggregate run’s JSON and a skipped run’s note, with no outputs', async () => {
      await jobs.record(stageRecord(envelope, 'tally', 2, [], { kind: 'aggregate', aggregate: tally }));
      const note = 'answer.confidence lt 0.5 is false';
      await jobs.record(stageRecord(envelope, 'check', 3, [], { kind: 'skipped', note }));

      expect(await stored(envelope.analysisId)).toEqual({ outputs: 6, runs: 4 });
      const stages = (await jobs.view(envelope.analysisId)).stages;
      expect(stages[2]).toMatchObject({
        id: 'tally',
        kind: 'aggregate',
        status: 'completed',
        aggregate: tally,
        outputs: [],
      });
      expect(stages[3]).toMatchObject({ id: 'check', kind: 'skipped', status: 'skipped', note, outputs: [] });
      expect(stages[4]).toMatchObject({ id: 'chair', index: null, status: 'running' });
    });

    it('stores the samples of one model as separate rows, a reused one marked', async () => {
      const samples = [0, 1, 2].map((sample) =>
        answered('mock:alpha', 'chair', { sample, text: `sample ${sample}`, reused: sample === 0 }),
      );
      await jobs.record(stageRecord(envelope, 'chair', 4, samples));
      // Delivered again: the samples' natural keys keep what is stored.
      await jobs.settled(
        await jobs.add('stage.record', stageRecord(envelope, 'chair', 4, samples), { jobId: 'chair-again' }),
        'completed',
      );

      expect(await stored(envelope.analysisId)).toEqual({ outputs: 9, runs: 5 });
      const chair = (await jobs.view(envelope.analysisId)).stages[4];
      expect(chair?.outputs.map((o) => [o.model, o.sample, o.text, o.reused])).toEqual([
        ['mock:alpha', 0, 'sample 0', true],
        ['mock:alpha', 1, 'sample 1', undefined],
        ['mock:alpha', 2, 'sample 2', undefined],
      ]);
    });

    it('completes with the stored answer and its named data, and reads back as a rerun source', async () => {
      const finish = finishJob(envelope, {
        expectedOutputs: 9,
        expectedRuns: 5,
        result: {
          stage: 'chair',
          stageIndex: 4,
          model: 'mock:alpha',
          sample: 1,
          text: 'the chair',
          data: { ranking: tally.ranking },
        },
      });
      await jobs.settled(await jobs.add('analysis.finish', finish), 'completed');

      const done = await jobs.view(envelope.analysisId);
      expect(done.status).toBe('completed');
      expect(done.result).toEqual({ model: 'mock:alpha', text: 'the chair', stage: 'chair', ranking: tally.ranking });
      expect(done.stages).toHaveLength(5);

      const [row] = await app.sql('SELECT result_stage_index, result_sample FROM analyses WHERE id = $1', [
        envelope.analysisId,
      ]);
      expect(row).toEqual({ result_stage_index: 4, result_sample: 1 });
    });
  });

  describe('a finish that arrives before the last stage.record', () => {
    let envelope: Envelope;
    let done: AnalysisView;

    beforeAll(async () => {
      envelope = await createAnalysis();
    });

    it('is retried until the outputs are stored, then completes the analysis', async () => {
      // No analysis.started here: the first record also moves the analysis out of queued.
      await Promise.all([
        jobs.addRecord(
          stageRecord(
            envelope,
            'initial',
            0,
            models.map((m) => answered(m, 'initial')),
          ),
        ),
        jobs.addRecord(
          stageRecord(envelope, 'meta', 1, [answered('mock:alpha', 'meta'), answered('mock:beta', 'meta')]),
        ),
        jobs.addRecord(stageRecord(envelope, 'hyper', 2, [answered('mock:alpha', 'hyper')])),
      ]);
      await eventually('three stages stored', async () => (await stored(envelope.analysisId)).outputs === 6);

      const finish = await jobs.add(
        'analysis.finish',
        finishJob(envelope, {
          expectedOutputs: 7,
          expectedRuns: 4,
          result: answer('ultra', 3, 'mock:alpha', 'mock:alpha on ultra'),
        }),
        { jobId: `${envelope.analysisId}_finish` },
      );
      const waiting = await eventually('the finish to be retried', async () => {
        const job = await Job.fromId(jobs.queue, finish.id ?? '');
        return job && job.attemptsMade >= 1 ? job : undefined;
      });
      expect(waiting.failedReason).toBe('records pending: 6 of 7 outputs, 3 of 4 stage runs stored');
      const early = await jobs.view(envelope.analysisId);
      expect(early.status).toBe('running');
      expect(early.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'running']);

      await jobs.addRecord(stageRecord(envelope, 'ultra', 3, [answered('mock:alpha', 'ultra')]));
      const finished = await jobs.settled(finish, 'completed');
      expect(finished.attemptsMade).toBeGreaterThanOrEqual(1);

      done = await jobs.view(envelope.analysisId);
      expect(done.status).toBe('completed');
      expect(done.completedAt).not.toBeNull();
      expect(done.result).toEqual({ model: 'mock:alpha', text: 'mock:alpha on ultra', stage: 'ultra' });
      expect(done.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(done.usage).toEqual({ inputTokens: 70, outputTokens: 28, cachedInputTokens: 14, costUsd: 0.0035 });
      expect(done).not.toHaveProperty('error');
    });

    it('changes nothing when another finish arrives for the ended analysis', async () => {
      const late = await jobs.add(
        'analysis.finish',
        finishJob(envelope, { status: 'failed', expectedOutputs: 99, error: { code: 'late', message: 'too late' } }),
      );
      const settledLate = await jobs.settled(late, 'completed');
      expect(settledLate.attemptsMade).toBe(1);
      expect(await jobs.view(envelope.analysisId)).toEqual(done);
    });
  });

  it('waits for a run without outputs (an aggregate) even when every output is stored', async () => {
    const envelope = await createAnalysis(mixedPattern());
    await jobs.record(stageRecord(envelope, 'answer', 0, [answered('mock:alpha', 'answer')]));
    const finish = await jobs.add(
      'analysis.finish',
      finishJob(envelope, {
        status: 'failed',
        expectedOutputs: 1,
        expectedRuns: 2,
        error: { code: 'x', message: 'y' },
      }),
    );
    const waiting = await eventually('the finish to be retried', async () => {
      const job = await Job.fromId(jobs.queue, finish.id ?? '');
      return job && job.attemptsMade >= 1 ? job : undefined;
    });
    expect(waiting.failedReason).toBe('records pending: 1 of 1 outputs, 1 of 2 stage runs stored');
    expect((await jobs.view(envelope.analysisId)).status).toBe('running');

    await jobs.addRecord(stageRecord(envelope, 'tally', 1, [], { kind: 'aggregate', aggregate: { ranking: [] } }));
    await jobs.settled(finish, 'completed');
    expect((await jobs.view(envelope.analysisId)).status).toBe('failed');
  });

  describe('jobs that cannot succeed', () => {
    const unknown: Envelope = { schemaVersion: SCHEMA_VERSION, analysisId: randomUUID(), requestId: 'req-unknown' };

    it('fails a stage.record for an unknown analysis without retries', async () => {
      const job = await jobs.addRecord(stageRecord(unknown, 'initial', 0, [answered('mock:alpha', 'initial')]));
      const failed = await jobs.settled(job, 'failed');
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toBe(`analysis ${unknown.analysisId} does not exist`);
      expect(await stored(unknown.analysisId)).toEqual({ outputs: 0, runs: 0 });
    });

    it('fails an analysis.finish for an unknown analysis without retries', async () => {
      const job = await jobs.add(
        'analysis.finish',
        finishJob(unknown, { status: 'failed', error: { code: 'no_models_left', message: 'every model failed' } }),
      );
      const failed = await jobs.settled(job, 'failed');
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toBe(`analysis ${unknown.analysisId} does not exist`);
    });

    it('fails a job with invalid data for good on its first attempt', async () => {
      const envelope = await createAnalysis();
      const job = await jobs.queue.add('analysis.finish', { ...envelope, status: 'maybe' }, RETRIES);
      const failed = await jobs.settled(job, 'failed');
      expect(failed.attemptsStarted).toBe(1);
      expect(failed.failedReason).toContain('invalid job "analysis.finish"');
      // Never left waiting: the analysis is ended (see never-stuck.int-spec.ts).
      const ended = await eventually('the analysis to end', async () => {
        const current = await jobs.view(envelope.analysisId);
        return current.status === 'failed' ? current : undefined;
      });
      expect(ended.error?.code).toBe('interrupted');
    });
  });
});

describe('the end on the analysis’ push stream', () => {
  it('writes analysis.completed with the stored result once, after the write, however often finish arrives', async () => {
    const envelope = await createAnalysis();
    const reader = new Redis(app.redis.url);
    const read = async () =>
      (await reader.xrange(analysisEventsStream(app.redis.prefix, envelope.analysisId), '-', '+')).map(
        ([, f]) => JSON.parse(f[1]) as PushEvent,
      );
    try {
      await jobs.settled(await jobs.add('analysis.started', envelope), 'completed');
      await jobs.record(stageRecord(envelope, 'initial', 0, [answered('mock:alpha', 'initial')]));
      // Stage events are the orchestrator's: storing writes nothing to the stream.
      expect(await read()).toEqual([]);
      const finish = finishJob(envelope, {
        expectedOutputs: 1,
        expectedRuns: 1,
        result: answer('initial', 0, 'mock:alpha', 'mock:alpha on initial', { agreement: 0.5 }),
      });
      await jobs.settled(await jobs.add('analysis.finish', finish), 'completed');
      // A re-delivered finish and a late terminate change nothing and add no second end.
      await jobs.settled(await jobs.add('analysis.finish', finish, { jobId: 'again' }), 'completed');
      await jobs.settled(
        await jobs.add('analysis.terminate', { ...envelope, code: 'cancelled', message: 'too late' }),
        'completed',
      );
      expect(await read()).toEqual([
        {
          type: 'analysis.completed',
          analysisId: envelope.analysisId,
          result: { model: 'mock:alpha', text: 'mock:alpha on initial', stage: 'initial', agreement: 0.5 },
          at: expect.any(String),
        },
      ]);
      expect((await jobs.view(envelope.analysisId)).status).toBe('completed');
    } finally {
      reader.disconnect();
    }
  });

  it('writes analysis.failed with the code of a terminate', async () => {
    const envelope = await createAnalysis();
    const reader = new Redis(app.redis.url);
    try {
      await jobs.settled(
        await jobs.add('analysis.terminate', { ...envelope, code: 'cancelled', message: 'cancelled by its user' }),
        'completed',
      );
      const entries = await reader.xrange(analysisEventsStream(app.redis.prefix, envelope.analysisId), '-', '+');
      expect(entries.map(([, f]) => JSON.parse(f[1]) as PushEvent)).toEqual([
        expect.objectContaining({
          type: 'analysis.failed',
          error: { code: 'cancelled', message: 'cancelled by its user' },
        }),
      ]);
    } finally {
      reader.disconnect();
    }
  });
});
