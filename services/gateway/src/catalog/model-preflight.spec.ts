import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BreakerSnapshot } from '@ultra/contracts';
import { gatewayConfig } from '../config/gateway.config';
import type { ProviderKeysRepository } from '../provider-keys/provider-keys.repository';
import { BreakerSnapshots, type BreakerStatus } from './breaker-status.service';
import { CatalogService } from './catalog.service';
import { ModelPreflight, ModelReadiness } from './model-preflight.service';
import { ProviderAvailability } from './provider-availability';

const entry = (id: string, fallbacks: string[] = []) => ({
  id,
  displayName: id,
  contextWindow: 1000,
  pricing: { inputPerMTok: 0, outputPerMTok: 0 },
  fallbacks,
});
const file = join(mkdtempSync(join(tmpdir(), 'gateway-preflight-')), 'models.json');
writeFileSync(
  file,
  JSON.stringify({
    models: [
      entry('mock:lone'),
      entry('mock:backed', ['mock:spare']),
      entry('mock:spare'),
      entry('mock:stranded', ['openai:gpt-x', 'mock:lone', 'mock:gone']),
      entry('openai:gpt-x'),
    ],
  }),
);
const config = gatewayConfig.parse({ DATABASE_URL: 'postgres://u@localhost/db', ULTRA_MODELS_FILE: file });
const availability = new ProviderAvailability(config);
const catalog = new CatalogService(config, availability);
const now = Date.parse('2026-12-01T10:00:00Z');
const minute = 60_000;

function breaker(scope: 'model' | 'provider', id: string, over: Partial<BreakerSnapshot> = {}): BreakerSnapshot {
  return { scope, id, state: 'open', openedAt: now - minute, reopenAt: now + minute, reason: '5 failures', ...over };
}
function readiness(...open: BreakerSnapshot[]): ModelReadiness {
  return readinessWith(new Set(), ...open);
}
function readinessWith(userKeys: ReadonlySet<string>, ...open: BreakerSnapshot[]): ModelReadiness {
  const snapshots = new BreakerSnapshots(new Map(open.map((b) => [`${b.scope}:${b.id}`, b])), now);
  return new ModelReadiness(catalog, availability, snapshots, userKeys);
}
const model = (id: string) => catalog.find(id)!;

describe('ModelReadiness', () => {
  it('shows every keyed model ready and usable while its breakers are closed', () => {
    const r = readiness();
    expect(r.info(model('mock:lone'))).toEqual({ ...model('mock:lone'), status: 'ready' });
    expect(r.unusable(model('mock:lone'))).toBeUndefined();
  });

  it('refuses a model whose provider has no key, and shows it needs_key', () => {
    const r = readiness();
    expect(r.info(model('openai:gpt-x')).status).toBe('needs_key');
    expect(r.unusable(model('openai:gpt-x'))).toBe('provider "openai" is not configured (needs_key)');
  });

  it('shows a model ready for a user with their own key for its provider, and no one else', () => {
    const r = readinessWith(new Set(['openai']));
    expect(r.info(model('openai:gpt-x')).status).toBe('ready');
    expect(r.unusable(model('openai:gpt-x'))).toBeUndefined();
    expect(readinessWith(new Set(['nobody'])).info(model('openai:gpt-x')).status).toBe('needs_key');
  });

  it('shows a model degraded, with the reason, behind its own open breaker or its provider’s', () => {
    expect(readiness(breaker('model', 'mock:lone')).info(model('mock:lone'))).toMatchObject({
      status: 'degraded',
      reason:
        'the circuit breaker of model "mock:lone" is open since 2026-12-01T09:59:00.000Z (5 failures); ' +
        'next probe after 2026-12-01T10:01:00.000Z',
    });
    const byProvider = readiness(breaker('provider', 'mock', { state: 'half_open', reason: 'probing' }));
    expect(byProvider.info(model('mock:spare'))).toMatchObject({
      status: 'degraded',
      reason: expect.stringContaining('the circuit breaker of provider "mock" is half-open (probing)'),
    });
  });

  it('refuses a model behind an open breaker that has no fallbacks', () => {
    expect(readiness(breaker('provider', 'mock')).unusable(model('mock:lone'))).toMatch(
      /^the circuit breaker of provider "mock" is open .*, and it has no fallbacks$/,
    );
  });

  it('accepts a model behind an open breaker when a fallback exists, has a key and is closed', () => {
    expect(readiness(breaker('model', 'mock:backed')).unusable(model('mock:backed'))).toBeUndefined();
  });

  it('refuses it when no fallback can answer, saying why for each', () => {
    const reason = readiness(breaker('model', 'mock:stranded'), breaker('model', 'mock:lone')).unusable(
      model('mock:stranded'),
    );
    expect(reason).toContain('none of its fallbacks can answer (');
    expect(reason).toContain('"openai:gpt-x" needs a key (provider "openai" is not configured)');
    expect(reason).toContain('"mock:lone" is degraded: the circuit breaker of model "mock:lone" is open');
    expect(reason).toContain('"mock:gone" is not in the catalog');
  });

  it('refuses a fallback that is half-open: only a closed breaker counts', () => {
    const r = readiness(breaker('model', 'mock:backed'), breaker('model', 'mock:spare', { state: 'half_open' }));
    expect(r.unusable(model('mock:backed'))).toContain('"mock:spare" is degraded');
  });

  it.each([
    ['half-open: a probe may go through', { state: 'half_open' as const }],
    ['open past its cool-down: the next call is the probe', { reopenAt: now - 1 }],
  ])('does not refuse a model whose breaker is %s', (_case, over) => {
    const r = readiness(breaker('model', 'mock:lone', over));
    expect(r.info(model('mock:lone')).status).toBe('degraded');
    expect(r.unusable(model('mock:lone'))).toBeUndefined();
  });
});

describe('ModelPreflight', () => {
  /** Breakers all closed; the user's stored keys are `stored`, and every read of them is counted. */
  function preflight(stored: string[]) {
    const reads: string[] = [];
    const breakers = { snapshots: () => Promise.resolve(new BreakerSnapshots(new Map(), now)) };
    const providerKeys = {
      providersOf: (userId: string) => {
        reads.push(userId);
        return Promise.resolve(new Set(stored));
      },
    };
    const service = new ModelPreflight(
      catalog,
      availability,
      breakers as unknown as BreakerStatus,
      providerKeys as unknown as ProviderKeysRepository,
    );
    return { service, reads };
  }

  it('reads no stored keys when the server has a key for every model and fallback asked about', async () => {
    const { service, reads } = preflight([]);
    const r = await service.readiness('u1', [model('mock:lone'), model('mock:backed')]);
    expect(r.unusable(model('mock:lone'))).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it("reads the user's keys when a model, or one of its fallbacks, has no server key", async () => {
    const { service, reads } = preflight(['openai']);
    const r = await service.readiness('u1', [model('openai:gpt-x')]);
    expect(r.unusable(model('openai:gpt-x'))).toBeUndefined();
    await service.readiness('u2', [model('mock:stranded')]);
    expect(reads).toEqual(['u1', 'u2']);
  });

  it('without a key anywhere the model stays unusable, and a list of the catalog always reads the keys', async () => {
    const { service, reads } = preflight([]);
    const r = await service.readiness('u1', [model('openai:gpt-x')]);
    expect(r.unusable(model('openai:gpt-x'))).toBe('provider "openai" is not configured (needs_key)');
    await service.list('u1');
    expect(reads).toEqual(['u1', 'u1']);
  });
});
