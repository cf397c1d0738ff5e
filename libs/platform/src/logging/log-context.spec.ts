import { Writable } from 'node:stream';
import pino from 'pino';
import { logMixin, runWithLogBindings } from './log-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ mixin: logMixin }, stream) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runWithLogBindings: a job’s bindings on the lines it logs', () => {
  it('adds the bindings to every line written inside, across awaits, and to none outside', async () => {
    const { lines, logger } = capture();
    logger.info('before');
    await runWithLogBindings({ analysisId: 'a1', jobId: 'a1_0_0' }, async () => {
      logger.info('first');
      await tick();
      logger.info({ model: 'mock:alpha' }, 'after an await');
    });
    logger.info('after');
    await tick();
    expect(lines.map((l) => [l.msg, l.analysisId, l.jobId])).toEqual([
      ['before', undefined, undefined],
      ['first', 'a1', 'a1_0_0'],
      ['after an await', 'a1', 'a1_0_0'],
      ['after', undefined, undefined],
    ]);
    expect(lines[2].model).toBe('mock:alpha');
  });

  it('keeps concurrent jobs apart', async () => {
    const { lines, logger } = capture();
    const job = (id: string) =>
      runWithLogBindings({ jobId: id }, async () => {
        await tick();
        logger.info(`from ${id}`);
      });
    await Promise.all([job('x'), job('y'), job('z')]);
    await tick();
    expect(lines.map((l) => [l.msg, l.jobId]).sort()).toEqual([
      ['from x', 'x'],
      ['from y', 'y'],
      ['from z', 'z'],
    ]);
  });

  it('lets a line’s own fields win over the bindings', async () => {
    const { lines, logger } = capture();
    runWithLogBindings({ analysisId: 'bound' }, () => logger.info({ analysisId: 'explicit' }, 'own'));
    await tick();
    expect(lines[0].analysisId).toBe('explicit');
  });
});
