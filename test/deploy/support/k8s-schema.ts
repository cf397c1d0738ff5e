import { resolve } from 'node:path';
import { type K8sObject, REPO_ROOT } from './k8s-render';

/** One problem of one object: a schema error (ajv's) or a field the schema does not know. */
export interface SchemaProblem {
  object: string;
  path: string;
  message: string;
}

interface AjvError {
  instancePath: string;
  message?: string;
}

type Check = (data: object) => AjvError[];

/**
 * kubernetes-models and @kubernetes-models/keda ship ajv validators compiled from the Kubernetes OpenAPI and KEDA
 * CRD schemas. They check every field they know, but pass fields they do not know (a misspelled field is simply
 * ignored, as in a non-strict kubectl). Strict mode here, like kubeconform's: every key of the object is replaced
 * in turn by a value no schema accepts (a function); a key the schema knows yields an error at its path, a key it
 * does not know yields none and is reported as unknown.
 */
const POISON = (): undefined => undefined;

/** The model's file (the packages' `exports` offer only `import`, which jest's resolver does not follow). */
function modelFile(apiVersion: string, kind: string): string {
  const pkg = apiVersion.startsWith('keda.sh/') ? '@kubernetes-models/keda' : 'kubernetes-models';
  return resolve(REPO_ROOT, 'node_modules', pkg, apiVersion, `${kind}.js`);
}

const checks = new Map<string, Promise<Check>>();

async function loadCheck(apiVersion: string, kind: string): Promise<Check> {
  const module = (await import(modelFile(apiVersion, kind))) as Record<string, unknown>;
  const model = module[kind] as { prototype?: { validate?: unknown } } | undefined;
  const validate = model?.prototype?.validate;
  if (typeof validate !== 'function') throw new Error(`no model with a validator for ${apiVersion} ${kind}`);
  return (data) => {
    try {
      (validate as (this: object) => void).call(data);
      return [];
    } catch (error) {
      const errors = (error as { errors?: AjvError[] }).errors;
      if (!Array.isArray(errors)) throw error;
      return errors;
    }
  };
}

function checkOf(apiVersion: string, kind: string): Promise<Check> {
  const key = `${apiVersion}/${kind}`;
  let check = checks.get(key);
  if (!check) {
    check = loadCheck(apiVersion, kind);
    checks.set(key, check);
  }
  return check;
}

const pointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

function unknownFields(check: Check, root: object): string[] {
  const unknown: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}/${index}`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const fields = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields)) {
      const at = `${path}/${pointer(key)}`;
      fields[key] = POISON;
      const known = check(root).some((e) => e.instancePath === at || e.instancePath.startsWith(`${at}/`));
      fields[key] = value;
      if (known) visit(value, at);
      else unknown.push(at);
    }
  };
  visit(root, '');
  return unknown;
}

/** Schema errors and unknown fields of every object; an object of a kind without a schema is a problem too. */
export async function validateStrictly(objects: K8sObject[]): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.name}`;
    let check: Check;
    try {
      check = await checkOf(object.apiVersion, object.kind);
    } catch (error) {
      problems.push({ object: id, path: '', message: `no schema: ${(error as Error).message}` });
      continue;
    }
    const copy = structuredClone(object);
    for (const e of check(copy)) problems.push({ object: id, path: e.instancePath, message: e.message ?? 'invalid' });
    for (const path of unknownFields(check, copy)) problems.push({ object: id, path, message: 'unknown field' });
  }
  return problems;
}
