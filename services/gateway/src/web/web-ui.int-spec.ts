import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEB_ROUTES } from '@ultra/contracts';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';

const INDEX =
  '<!doctype html><title>Ultra</title><div id="root"></div><script type="module" src="/assets/app-1.js"></script>';

describe('the web UI served by the gateway', () => {
  let gateway: GatewayTestApp;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'ultra-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log("ultra")');
    gateway = await startGatewayTestApp({ WEB_DIST_DIR: dist });
  });

  afterAll(async () => {
    await gateway?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers every page of the UI with index.html, never cached, under the strict CSP', async () => {
    for (const route of WEB_ROUTES) {
      const path = route.replace(':id', '3f0c2f7e-9a55-4d31-8d8e-5f3c8f0a1b2c').replace(':tab', 'api-keys');
      const response = await fetch(`${gateway.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('serves the hashed assets for a year', async () => {
    const response = await fetch(`${gateway.url}/assets/app-1.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('console.log("ultra")');
  });

  it('leaves the API its JSON 404s, and unknown paths stay 404', async () => {
    for (const path of ['/api/nothing-here', '/assets/missing.js', '/no-such-page', '/history/extra']) {
      const response = await fetch(`${gateway.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers.get('content-type')).toContain('application/json');
    }
  });
});
