import {
  fleetReport,
  type Heartbeat,
  heartbeatIndexKey,
  heartbeatKey,
  parseHeartbeat,
  summarizeFleet,
  unknownFleet,
} from './fleet-health';
import type { HealthReport } from './health.service';

const REQUIRED = ['orchestrator', 'provider-worker', 'results'];
const AT = '2025-01-01T00:00:00.000Z';

function beat(service: string, instance: string, ready = true): Heartbeat {
  return {
    service,
    instance,
    status: ready ? 'ok' : 'error',
    checks: { redis: 'up', consuming: ready ? 'up' : 'down' },
    at: AT,
  };
}

const healthy: HealthReport = { status: 'ok', checks: { redis: 'up', database: 'up' } };
const allUp = [beat('orchestrator', 'a:1'), beat('provider-worker', 'a:2'), beat('results', 'a:3')];

describe('heartbeat keys', () => {
  it('sit under the queue prefix, one per service and instance', () => {
    expect(heartbeatKey('ultra', 'provider-worker', 'host:42')).toBe('ultra:health:instance:provider-worker:host:42');
    expect(heartbeatIndexKey('ultra-test-1')).toBe('ultra-test-1:health:instances');
  });
});

describe('parseHeartbeat', () => {
  it('reads back what a heartbeat writes', () => {
    const written = beat('results', 'h:1');
    expect(parseHeartbeat(JSON.stringify(written))).toEqual(written);
  });

  it.each([
    ['an expired key', null],
    ['not JSON', '{oops'],
    ['another shape', JSON.stringify({ service: 'results', ready: true })],
    ['an unknown status', JSON.stringify({ ...beat('results', 'h:1'), status: 'degraded' })],
  ])('ignores %s', (_, raw) => {
    expect(parseHeartbeat(raw)).toBeUndefined();
  });
});

describe('summarizeFleet', () => {
  it('lists every required service, in order, then the others seen by name', () => {
    const services = summarizeFleet([beat('results', 'r:1'), beat('gateway', 'g:1'), beat('zeta', 'z:1')], REQUIRED);
    expect(Object.keys(services)).toEqual(['orchestrator', 'provider-worker', 'results', 'gateway', 'zeta']);
    expect(services.orchestrator).toEqual({ status: 'missing', ready: 0, instances: [] });
  });

  it('counts each instance of a scaled service, sorted, without repeating the service name', () => {
    const services = summarizeFleet([beat('provider-worker', 'h:9'), beat('provider-worker', 'h:10', false)], REQUIRED);
    expect(services['provider-worker']).toEqual({
      status: 'ok',
      ready: 1,
      instances: [
        { instance: 'h:10', status: 'error', checks: { redis: 'up', consuming: 'down' }, at: AT },
        { instance: 'h:9', status: 'ok', checks: { redis: 'up', consuming: 'up' }, at: AT },
      ],
    });
  });

  it.each([
    ['no instance', 'missing', []],
    ['only instances that are not ready', 'not_ready', [beat('results', 'r:1', false), beat('results', 'r:2', false)]],
    ['one ready instance among others', 'ok', [beat('results', 'r:1', false), beat('results', 'r:2')]],
  ])('a service with %s is %s', (_, status, beats) => {
    expect(summarizeFleet(beats, REQUIRED).results?.status).toBe(status);
  });
});

describe('fleetReport', () => {
  const workerNotReady = [allUp[0], beat('provider-worker', 'a:2', false), allUp[2]];
  const databaseDown: HealthReport = { status: 'error', checks: { redis: 'up', database: 'down' } };
  it.each<[string, 'ok' | 'error', HealthReport, Heartbeat[]]>([
    ['every required service ready and the gateway healthy', 'ok', healthy, allUp],
    ['the orchestrator missing', 'error', healthy, allUp.filter((b) => b.service !== 'orchestrator')],
    ['the only worker not ready', 'error', healthy, workerNotReady],
    ['the gateway’s own database down', 'error', databaseDown, allUp],
    ['another gateway not ready (it decides nothing)', 'ok', healthy, [...allUp, beat('gateway', 'g:2', false)]],
  ])('%s: %s', (_, status, own, beats) => {
    const report = fleetReport(own, summarizeFleet(beats, REQUIRED), REQUIRED);
    expect(report.status).toBe(status);
    expect(report.checks).toEqual(own.checks);
  });

  it('is an error with every required service unknown when the heartbeats cannot be read', () => {
    const report = fleetReport(healthy, unknownFleet(REQUIRED), REQUIRED);
    expect(report).toEqual({
      status: 'error',
      checks: healthy.checks,
      services: {
        orchestrator: { status: 'unknown', ready: 0, instances: [] },
        'provider-worker': { status: 'unknown', ready: 0, instances: [] },
        results: { status: 'unknown', ready: 0, instances: [] },
      },
    });
  });
});
