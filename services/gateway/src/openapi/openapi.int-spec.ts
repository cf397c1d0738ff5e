import type { OpenAPIObject } from './openapi-document';
import { type FakeResults, startFakeResults } from '../testing/fake-results';
import { type GatewayTestApp, startGatewayTestApp } from '../testing/gateway-test-app';
import { DOCS_PATH, OPENAPI_PATH } from './api-docs';

let gateway: GatewayTestApp;
let results: FakeResults;

beforeAll(async () => {
  results = await startFakeResults();
  gateway = await startGatewayTestApp({ RESULTS_URL: results.server.url });
});

afterAll(async () => {
  await gateway?.close();
  await results?.server.close();
});

/**
 * Every route the gateway's Fastify instance serves, as `METHOD /path/{param}`, read from its route tree
 * (`printRoutes`): one line per node, its segment appended to its parent's, its methods in brackets.
 */
function servedRoutes(): string[] {
  const tree = gateway.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (prefixes[depth - 1] ?? '') + (match[2] ?? '');
    prefixes[depth] = path;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

/**
 * Fastify answers HEAD for every GET by itself; the documentation routes document nothing; `/metrics` is the
 * operators' Prometheus endpoint, outside the API (docs/observability.md); everything outside /api and /v1 is the
 * web UI's pages and files (services/gateway/src/web).
 */
const undocumented = (route: string) =>
  route.startsWith('HEAD ') ||
  !/^[A-Z]+ \/(api|v1)\//.test(route) ||
  route.includes(DOCS_PATH) ||
  route.endsWith(OPENAPI_PATH) ||
  route.includes('*') ||
  route === 'GET /metrics';

async function openApiDocument(): Promise<OpenAPIObject> {
  const response = await fetch(`${gateway.url}${OPENAPI_PATH}`);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenAPIObject;
}

describe('GET /api/openapi.json and /api/docs', () => {
  it('serves the OpenAPI 3.1 document without a token', async () => {
    const document = await openApiDocument();
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Ultra API' } });
  });

  it('serves Swagger UI without a token, pointed at the document', async () => {
    const page = await fetch(`${gateway.url}${DOCS_PATH}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const initializer = await fetch(`${gateway.url}${DOCS_PATH}/static/swagger-initializer.js`);
    expect(await initializer.text()).toContain(OPENAPI_PATH);
  });

  it('reads every served route from the route tree (each is one Fastify knows)', () => {
    const routes = servedRoutes();
    expect(routes).toEqual(expect.arrayContaining(['POST /api/analyze', 'GET /api/analyses/{id}', 'GET /api/health']));
    const fastify = gateway.app.getHttpAdapter().getInstance();
    // A wildcard route prints differently from how it was declared; only the docs' static files have one.
    const unknown = routes
      .filter((route) => !route.includes('*'))
      .filter((route) => {
        const [method = '', path = ''] = route.split(' ');
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        return !fastify.hasRoute({ method: method, url });
      });
    expect(unknown).toEqual([]);
  });

  it('documents every route the gateway serves, with the same method and path', async () => {
    const document = await openApiDocument();
    const documented = new Set(
      Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const missing = servedRoutes().filter((route) => !undocumented(route) && !documented.has(route));
    // Each missing route is named: add it to its feature's services/gateway/src/openapi/<feature>.openapi.ts.
    expect(missing).toEqual([]);
  });

  it('documents no route the gateway does not serve', async () => {
    const document = await openApiDocument();
    const served = new Set(servedRoutes());
    const stale = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item)
        .map((method) => `${method.toUpperCase()} ${path}`)
        .filter((route) => !served.has(route)),
    );
    expect(stale).toEqual([]);
  });
});
