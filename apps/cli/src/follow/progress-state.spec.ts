import type { StreamEvent } from './event-stream.js';
import { applyEvent, newProgress } from './progress-state.js';
import { stripAnsi } from '../render/terminal-text.js';
import { PlainProgressView, renderProgress } from './progress-view.js';

const ev = (type: string, data: Record<string, unknown> = {}): StreamEvent => ({ type, data });

describe('progress from analysis events', () => {
  it('follows each model through stages: deltas estimate tokens, completion makes them exact', () => {
    const progress = newProgress('an-1');
    applyEvent(progress, ev('analysis.started'));
    applyEvent(progress, ev('stage.started', { stage: 'initial', models: ['mock:alpha', 'mock:beta'] }));
    applyEvent(progress, ev('output.delta', { stage: 'initial', model: 'mock:alpha', text: 'x'.repeat(40) }));
    expect(progress.rows.get('mock:alpha')).toMatchObject({
      stage: 'initial',
      state: 'streaming',
      tokens: 10,
      exact: false,
    });
    expect(progress.rows.get('mock:beta')).toMatchObject({ state: 'waiting', tokens: 0 });
    expect(
      applyEvent(
        progress,
        ev('output.completed', { stage: 'initial', model: 'mock:alpha', usage: { outputTokens: 12 } }),
      ),
    ).toBe('initial · mock:alpha done, 12 tokens');
    expect(progress.rows.get('mock:alpha')).toMatchObject({ state: 'done', tokens: 12, exact: true });

    applyEvent(progress, ev('stage.started', { stage: 'meta', models: ['mock:alpha'] }));
    expect(progress.stage).toBe('meta');
    expect(progress.rows.get('mock:alpha')).toMatchObject({ stage: 'meta', state: 'waiting', tokens: 0 });
  });

  it('reads the calls of a stage run and starts a model afresh in the next round of the same stage', () => {
    const progress = newProgress('an-6');
    const started = (stageIndex: number, round: number) =>
      ev('stage.started', {
        stage: 'debate',
        stageIndex,
        round,
        label: 'Debate',
        calls: [{ model: 'mock:alpha', sample: 0 }],
      });
    expect(applyEvent(progress, started(0, 1))).toBe('stage debate (Debate) started: mock:alpha');
    applyEvent(
      progress,
      ev('output.completed', { stage: 'debate', stageIndex: 0, model: 'mock:alpha', usage: { outputTokens: 9 } }),
    );
    expect(applyEvent(progress, started(1, 2))).toBe('stage debate round 2 (Debate) started: mock:alpha');
    expect(progress.rows.get('mock:alpha')).toMatchObject({ stageIndex: 1, state: 'waiting', tokens: 0 });
  });

  it('starts a retried output again from zero and records failures with their category', () => {
    const progress = newProgress('an-2');
    applyEvent(progress, ev('output.delta', { stage: 'initial', model: 'mock:gamma', text: 'abcdefgh' }));
    const line = applyEvent(
      progress,
      ev('output.retrying', {
        stage: 'initial',
        model: 'mock:gamma',
        attempt: 2,
        error: { category: 'timeout', message: 'slow' },
      }),
    );
    expect(line).toBe('initial · mock:gamma retrying (timeout: slow)');
    expect(progress.rows.get('mock:gamma')).toMatchObject({ state: 'retrying', tokens: 0, chars: 0, attempt: 2 });
    applyEvent(
      progress,
      ev('output.failed', {
        stage: 'initial',
        model: 'mock:gamma',
        category: 'rate_limit',
        message: 'mock:gamma: 429',
      }),
    );
    expect(progress.rows.get('mock:gamma')).toMatchObject({ state: 'failed', error: 'rate_limit: mock:gamma: 429' });
  });

  it('keeps samples of one model on lines of their own', () => {
    const progress = newProgress('an-3');
    applyEvent(progress, ev('output.delta', { stage: 'sample', model: 'mock:alpha', sample: 1, text: 'abcd' }));
    applyEvent(progress, ev('output.delta', { stage: 'sample', model: 'mock:alpha', text: 'abcdabcd' }));
    expect([...progress.rows.keys()]).toEqual(['mock:alpha#1', 'mock:alpha']);
  });

  it('ends with the final status and error code; token deltas print nothing in plain mode', () => {
    const progress = newProgress('an-4');
    const lines: string[] = [];
    const view = new PlainProgressView((text) => lines.push(text));
    for (const event of [
      ev('analysis.started'),
      ev('stage.started', { stage: 'initial', label: 'Initial answers', models: ['mock:alpha'] }),
      ev('output.delta', { stage: 'initial', model: 'mock:alpha', text: 'hello' }),
      ev('stage.completed', { stage: 'initial' }),
      ev('aggregate.completed', { stage: 'tally', ranking: [] }),
      ev('analysis.failed', { error: { code: 'cancelled', message: 'cancelled by its user' } }),
    ]) {
      view.update(progress, applyEvent(progress, event));
    }
    expect(lines).toEqual([
      'analysis an-4 started\n',
      'stage initial (Initial answers) started: mock:alpha\n',
      'stage initial completed\n',
      'stage tally aggregated\n',
      'analysis an-4 failed: cancelled: cancelled by its user\n',
    ]);
    expect(progress).toMatchObject({ status: 'failed', error: { code: 'cancelled' } });
  });

  it('renders one line per model with its stage, tokens and state', () => {
    const progress = newProgress('an-5');
    applyEvent(progress, ev('stage.started', { stage: 'initial', models: ['mock:alpha', 'mock:beta'] }));
    applyEvent(progress, ev('output.completed', { stage: 'initial', model: 'mock:beta', usage: { outputTokens: 7 } }));
    const lines = stripAnsi(renderProgress(progress, 1500)).split('\n');
    expect(lines[0]).toBe('analysis an-5 · running · stage initial · 1.5s');
    expect(lines[1]).toMatch(/^ {2}mock:alpha +initial +~0 tok +· waiting$/);
    expect(lines[2]).toMatch(/^ {2}mock:beta +initial +7 tok +✔ done$/);
  });
});
