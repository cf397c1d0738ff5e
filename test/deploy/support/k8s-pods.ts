import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type K8sObject, REPO_ROOT } from './k8s-render';

/** The parts of a container and pod these tests read (the schema validation has checked the rest). */
export interface Probe {
  httpGet?: { path?: string; port: number | string };
}
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  workingDir?: string;
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  volumes?: { name: string; emptyDir?: object }[];
}
export interface Workload {
  object: K8sObject;
  pod: PodSpec;
}

/** Deployments and Jobs with their pod specs. */
export function workloads(objects: K8sObject[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((object) => {
      const spec = object.spec as { template: { spec: PodSpec } };
      return { object, pod: spec.template.spec };
    });
}

export const allContainers = (pod: PodSpec): Container[] => [...(pod.initContainers ?? []), ...pod.containers];

/**
 * A variable as the container sees it: `env` wins over `envFrom`, and among `envFrom` sources the last one that
 * has the key wins (Kubernetes' rules). Secrets are not rendered in prod, so only ConfigMaps are looked up.
 */
export function envOf(objects: K8sObject[], container: Container, name: string): string | undefined {
  const direct = container.env?.find((e) => e.name === name);
  if (direct) return direct.value;
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const found = objects.find((o) => o.kind === kind && o.metadata.name === ref?.name);
    const data = (found?.data ?? found?.stringData) as Record<string, string> | undefined;
    if (data?.[name] !== undefined) value = data[name];
  }
  return value;
}

/** A probe's port as a number, following a named port to the container's port of that name. */
export function portNumber(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

const source = (file: string): string => readFileSync(resolve(REPO_ROOT, file), 'utf8');

function match(file: string, pattern: RegExp): string {
  const found = pattern.exec(source(file))?.[1];
  if (!found) throw new Error(`${pattern} not found in ${file}`);
  return found;
}

/**
 * The health routes each service really serves, read from its source: the gateway's global prefix and health
 * module path, results' health module path, the `live`/`ready` handlers they share, and the ops server's paths.
 */
export function healthRoutes(): Record<string, { live: string; ready: string; portVariable: string }> {
  const handlers = 'libs/platform/src/health/health.module.ts';
  const live = match(handlers, /@Get\('(live)'\)/);
  const ready = match(handlers, /@Get\('(ready)'\)/);
  const apiPrefix = match('services/gateway/src/common/http-constants.ts', /API_PREFIX = '([^']+)'/);
  const gatewayPath = match(
    'services/gateway/src/health/gateway-health.module.ts',
    /HealthModule\.forRoot\(\{\s*path: '([^']+)'/,
  );
  const resultsPath = match('services/results/src/app.module.ts', /HealthModule\.forRoot\(\{\s*path: '([^']+)'/);
  const opsFile = 'libs/platform/src/health/ops-health.service.ts';
  const ops = { live: match(opsFile, /LIVE_PATH = '([^']+)'/), ready: match(opsFile, /READY_PATH = '([^']+)'/) };
  return {
    gateway: {
      live: `/${apiPrefix}/${gatewayPath}/${live}`,
      ready: `/${apiPrefix}/${gatewayPath}/${ready}`,
      portVariable: 'PORT',
    },
    results: { live: `/${resultsPath}/${live}`, ready: `/${resultsPath}/${ready}`, portVariable: 'RESULTS_PORT' },
    orchestrator: { ...ops, portVariable: 'METRICS_PORT' },
    'provider-worker': { ...ops, portVariable: 'METRICS_PORT' },
  };
}
