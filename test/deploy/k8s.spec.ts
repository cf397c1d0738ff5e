import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allContainers, envOf, healthRoutes, portNumber, workloads } from './support/k8s-pods';
import { type K8sObject, named, parseManifests, REPO_ROOT, renderKustomization } from './support/k8s-render';
import { validateStrictly } from './support/k8s-schema';

// Offline checks of deploy/k8s: both overlays render with kustomize, every object is valid against the Kubernetes
// (and KEDA) schemas with unknown fields refused, and the manifests agree with the code they deploy.
const overlays = ['dev', 'prod'] as const;
const rendered = new Map<string, K8sObject[]>();
const render = async (overlay: string): Promise<K8sObject[]> => {
  const cached = rendered.get(overlay);
  if (cached) return cached;
  const objects = await renderKustomization(`deploy/k8s/overlays/${overlay}`);
  rendered.set(overlay, objects);
  return objects;
};
const ofKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);
const SERVICES = ['gateway', 'results', 'orchestrator', 'provider-worker'];

describe.each(overlays)('deploy/k8s/overlays/%s', (overlay) => {
  it('renders every service, and every object is valid against its schema with no unknown field', async () => {
    const objects = await render(overlay);
    expect(
      ofKind(objects, 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual([...SERVICES].sort());
    expect(ofKind(objects, 'Job').map((j) => j.metadata.name)).toEqual(['ultra-migrate']);
    expect(await validateStrictly(objects)).toEqual([]);
  });

  it('runs every container as a locked-down non-root user, with requests and limits', async () => {
    for (const { object, pod } of workloads(await render(overlay))) {
      for (const container of allContainers(pod)) {
        const where = `${object.metadata.name}/${container.name}`;
        expect([where, container.securityContext]).toEqual([
          where,
          expect.objectContaining({
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        ]);
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect([where, pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir]).toEqual([where, expect.any(Object)]);
        for (const kind of ['requests', 'limits'] as const) {
          expect([where, kind, Object.keys(container.resources?.[kind] ?? {}).sort()]).toEqual([
            where,
            kind,
            ['cpu', 'memory'],
          ]);
        }
      }
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, runAsUser: 1000 }));
    }
  });

  it('runs each container command from the build output (services/*/dist)', async () => {
    const commands = workloads(await render(overlay)).flatMap(({ pod }) => allContainers(pod));
    expect(commands.map((c) => c.command?.[1]).sort()).toEqual([
      'services/gateway/dist/main.js',
      'services/gateway/dist/migrate.js',
      'services/gateway/dist/migrate.js',
      'services/orchestrator/dist/main.js',
      'services/provider-worker/dist/main.js',
      'services/results/dist/main.js',
      'services/results/dist/migrate.js',
      'services/results/dist/migrate.js',
    ]);
    // Outside the migrations Job, migrate.js only waits (gateway and results start once the schema is theirs).
    const waits = workloads(await render(overlay))
      .filter(({ object }) => object.kind === 'Deployment')
      .flatMap(({ object, pod }) => (pod.initContainers ?? []).map((c) => [object.metadata.name, c.command]));
    expect(waits.sort()).toEqual([
      ['gateway', ['node', 'services/gateway/dist/migrate.js', '--wait=600']],
      ['results', ['node', 'services/results/dist/migrate.js', '--wait=600']],
    ]);
    for (const { command, workingDir } of commands) {
      expect(workingDir).toBe('/app');
      expect(command?.[0]).toBe('node');
      const file = command?.[1] ?? '';
      expect([file, /^services\/[a-z-]+\/dist\/[a-z-]+\.js$/.test(file)]).toEqual([file, true]);
      expect([file, existsSync(resolve(REPO_ROOT, file))]).toEqual([file, true]);
    }
  });

  it('probes the health routes the services serve, on the ports they listen on', async () => {
    const objects = await render(overlay);
    const routes = healthRoutes();
    for (const name of SERVICES) {
      const expected = routes[name];
      const main = workloads(objects).find((w) => w.object.metadata.name === name)?.pod.containers[0];
      if (!expected || !main) throw new Error(`no route table or container for ${name}`);
      const port = Number(envOf(objects, main, expected.portVariable));
      expect([name, port > 0]).toEqual([name, true]);
      const probes = { startup: main.startupProbe, liveness: main.livenessProbe, readiness: main.readinessProbe };
      const seen = Object.fromEntries(
        Object.entries(probes).map(([kind, probe]) => [
          kind,
          probe?.httpGet && { path: probe.httpGet.path, port: portNumber(main, probe.httpGet.port) },
        ]),
      );
      expect([name, seen]).toEqual([
        name,
        {
          startup: { path: expected.live, port },
          liveness: { path: expected.live, port },
          readiness: { path: expected.ready, port },
        },
      ]);
    }
  });

  it('gives every pod longer to stop than its SHUTDOWN_TIMEOUT_MS (plus its preStop pause)', async () => {
    const objects = await render(overlay);
    for (const { object, pod } of workloads(objects)) {
      for (const container of pod.containers) {
        const shutdownS = Number(envOf(objects, container, 'SHUTDOWN_TIMEOUT_MS') ?? 10_000) / 1000;
        const preStop = container.lifecycle?.preStop?.exec?.command;
        const pauseS = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
        const grace = pod.terminationGracePeriodSeconds ?? 30;
        expect([object.metadata.name, grace > shutdownS + pauseS]).toEqual([object.metadata.name, true]);
      }
    }
    const worker = workloads(objects).find((w) => w.object.metadata.name === 'provider-worker');
    const gateway = workloads(objects).find((w) => w.object.metadata.name === 'gateway');
    const shutdownOf = (w: typeof worker): number =>
      Number(w && envOf(objects, w.pod.containers[0] ?? { name: '' }, 'SHUTDOWN_TIMEOUT_MS'));
    // A worker drains model calls, so it is given longer than the HTTP services; the gateway leaves the endpoints first.
    expect(shutdownOf(worker)).toBeGreaterThan(shutdownOf(gateway));
    expect(gateway?.pod.containers[0]?.lifecycle?.preStop?.exec?.command?.[0]).toBe('sleep');
  });

  it('denies all traffic by default and opens only the paths the services use', async () => {
    const policies = ofKind(await render(overlay), 'NetworkPolicy');
    const spec = (name: string): Record<string, unknown> =>
      named(policies, 'NetworkPolicy', name).spec as Record<string, unknown>;
    expect(spec('ultra-default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const text = JSON.stringify(policies);
    for (const port of [53, 3000, 3001, 5432, 6379, 9464, 443])
      expect([port, text.includes(`"port":${port}`)]).toEqual([port, true]);
    // The orchestrator has no database and no internet.
    expect(JSON.stringify(spec('ultra-allow-postgres'))).not.toContain('orchestrator');
    expect(spec('ultra-orchestrator').policyTypes).toEqual(['Ingress']);
  });

  it('connects the services by Service name and listens on every interface, never on loopback', async () => {
    const objects = await render(overlay);
    const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('ultra-config-'));
    const data = (config?.data ?? {}) as Record<string, string>;
    const results = new URL(data.RESULTS_URL ?? '');
    const service = named(objects, 'Service', results.hostname).spec as { ports: { port: number }[] };
    expect(service.ports.map((p) => p.port)).toContain(Number(results.port));
    expect(Number(results.port)).toBe(Number(data.RESULTS_PORT));
    expect([data.HOST, data.RESULTS_HOST, data.METRICS_HOST]).toEqual(['0.0.0.0', '0.0.0.0', '0.0.0.0']);
    expect(Object.entries(data).filter(([, value]) => /127\.0\.0\.1|localhost/.test(value))).toEqual([]);
    const gateway = named(objects, 'Service', 'gateway').spec as { ports: { port: number }[] };
    expect(gateway.ports.map((p) => p.port)).toEqual([Number(data.PORT)]);
  });

  it('references only ServiceAccounts, ConfigMaps and PodDisruptionBudgets it renders', async () => {
    const objects = await render(overlay);
    for (const { object, pod } of workloads(objects)) {
      const account = (pod as { serviceAccountName?: string }).serviceAccountName ?? '';
      expect(named(objects, 'ServiceAccount', account).automountServiceAccountToken).toBe(false);
      for (const ref of pod.containers[0]?.envFrom ?? []) {
        if (ref.configMapRef) named(objects, 'ConfigMap', ref.configMapRef.name);
      }
      if (object.kind === 'Deployment') named(objects, 'PodDisruptionBudget', object.metadata.name);
    }
  });
});

describe('deploy/k8s/overlays/prod specifics', () => {
  it('runs two or more of each service, on a pinned image', async () => {
    const objects = await render('prod');
    for (const { object, pod } of workloads(objects)) {
      if (object.kind === 'Deployment')
        expect((object.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
      for (const { image } of allContainers(pod))
        expect(image).toMatch(/^ghcr\.io\/[^:@]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$/);
    }
    expect(ofKind(objects, 'Secret')).toEqual([]); // the Secret is made by the operator, never rendered
  });

  it('scales the gateway on CPU and provider-workers on the BullMQ model-tasks queue', async () => {
    const objects = await render('prod');
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'gateway').spec as Record<string, unknown>;
    expect(hpa).toEqual(
      expect.objectContaining({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' },
        metrics: [expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })],
      }),
    );
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    const gateway = workloads(objects).find((w) => w.object.metadata.name === 'gateway')?.pod.containers[0];
    const prefix = gateway && envOf(objects, gateway, 'QUEUE_PREFIX');
    const scaled = named(objects, 'ScaledObject', 'provider-worker').spec as {
      scaleTargetRef: { name: string };
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
    };
    expect(scaled.scaleTargetRef.name).toBe('provider-worker');
    expect(scaled.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaled.maxReplicaCount).toBeGreaterThan(scaled.minReplicaCount);
    expect(scaled.triggers.map((t) => [t.type, t.metadata.listName])).toEqual([
      ['redis', `${prefix}:model-tasks:wait`],
      ['redis', `${prefix}:model-tasks:prioritized`],
    ]);
    const example = parseManifests(
      readFileSync(resolve(REPO_ROOT, 'deploy/k8s/base/secret.example.yaml'), 'utf8'),
      'secret.example.yaml',
    );
    const secretKeys = Object.keys((example[0]?.stringData as Record<string, string>) ?? {});
    for (const trigger of scaled.triggers) {
      const auth = named(objects, 'TriggerAuthentication', trigger.authenticationRef.name).spec as {
        secretTargetRef: { parameter: string; name: string; key: string }[];
      };
      for (const ref of auth.secretTargetRef)
        expect([ref.name, secretKeys.includes(ref.key)]).toEqual(['ultra-secrets', true]);
    }
    expect(await validateStrictly(example)).toEqual([]);
  });

  it("serves the gateway over TLS with SSE-friendly ingress settings and a body limit above the gateway's", async () => {
    const objects = await render('prod');
    const ingress = named(objects, 'Ingress', 'ultra');
    const spec = ingress.spec as { tls: { hosts: string[]; secretName: string }[]; rules: { host: string }[] };
    expect(spec.tls[0]?.secretName).toBeTruthy();
    for (const rule of spec.rules) expect(spec.tls.flatMap((t) => t.hosts)).toContain(rule.host);
    const notes = ingress.metadata.annotations ?? {};
    expect(notes['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    for (const timeout of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(notes[`nginx.ingress.kubernetes.io/${timeout}`])).toBeGreaterThanOrEqual(3600);
    }
    const size = /^(\d+)([km]?)$/.exec(notes['nginx.ingress.kubernetes.io/proxy-body-size'] ?? '');
    const bytes =
      Number(size?.[1]) * ({ k: 1024, m: 1024 * 1024 } as Record<string, number>)[size?.[2] ?? ''] || Number(size?.[1]);
    const gateway = workloads(objects).find((w) => w.object.metadata.name === 'gateway')?.pod.containers[0];
    const limits = ['BODY_LIMIT_BYTES', 'DOCUMENT_MAX_BYTES'].map((v) => Number(gateway && envOf(objects, gateway, v)));
    expect(limits.every((l) => l > 0)).toBe(true);
    expect(bytes).toBeGreaterThanOrEqual(Math.max(...limits));
  });
});

describe('strict validation', () => {
  let copy: string | undefined;
  afterAll(() => copy && rmSync(copy, { recursive: true, force: true }));

  it("fails on a misspelled field in a manifest, which the models' own validate() lets through", async () => {
    copy = mkdtempSync(join(tmpdir(), 'ultra-k8s-'));
    cpSync(resolve(REPO_ROOT, 'deploy/k8s'), copy, { recursive: true });
    const misspell = (file: string, from: string, to: string): void => {
      const path = join(copy ?? '', file);
      const text = readFileSync(path, 'utf8');
      expect(text).toContain(from);
      writeFileSync(path, text.replace(from, to));
    };
    misspell('base/gateway.yaml', 'readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true');
    misspell('overlays/prod/keda-provider-worker.yaml', 'minReplicaCount: 2', 'minReplicas: 2');
    const objects = await renderKustomization(join(copy, 'overlays/prod'));
    const problems = await validateStrictly(objects);
    expect(problems).toEqual([
      {
        object: 'Deployment/gateway',
        path: '/spec/template/spec/initContainers/0/securityContext/readOnlyRootFileSystem',
        message: 'unknown field',
      },
      { object: 'ScaledObject/provider-worker', path: '/spec/minReplicas', message: 'unknown field' },
    ]);
    const { Deployment } = (await import(
      resolve(REPO_ROOT, 'node_modules/kubernetes-models/apps/v1/Deployment.js')
    )) as {
      Deployment: new (data: object) => { validate(): void };
    };
    expect(() => new Deployment(named(objects, 'Deployment', 'gateway')).validate()).not.toThrow();
  });
});
