import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

/** The parts of a GitHub Actions workflow the checks read; actionlint checks the rest of the schema. */
export type Permissions = 'read-all' | 'write-all' | Record<string, 'read' | 'write' | 'none'>;

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

export interface Service {
  image: string;
  env?: Record<string, string>;
  ports?: (string | number)[];
  options?: string;
}

export interface Job {
  if?: string;
  needs?: string | string[];
  uses?: string;
  'runs-on'?: string;
  'timeout-minutes'?: number;
  permissions?: Permissions;
  env?: Record<string, string>;
  services?: Record<string, Service>;
  steps?: Step[];
}

export interface Workflow {
  /** The file, relative to the repository root. */
  file: string;
  name?: string;
  on: Record<string, unknown>;
  permissions?: Permissions;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export const ROOT = resolve(__dirname, '../../..');
export const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/release.yml'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses a workflow, failing with the file's name when its top level is not a workflow at all. */
export function parseWorkflow(text: string, file: string): Workflow {
  const doc: unknown = parse(text);
  if (!isRecord(doc) || !isRecord(doc.on) || !isRecord(doc.jobs)) {
    throw new Error(`${file}: not a workflow with an 'on' map and jobs`);
  }
  for (const [id, job] of Object.entries(doc.jobs)) {
    if (!isRecord(job)) throw new Error(`${file}: job ${id} is not a map`);
    if (job.steps !== undefined && !Array.isArray(job.steps)) throw new Error(`${file}: ${id}.steps is not a list`);
  }
  return { ...doc, file } as unknown as Workflow;
}

export function readText(file: string): string {
  return readFileSync(resolve(ROOT, file), 'utf8');
}

export function loadWorkflow(file: string): Workflow {
  return parseWorkflow(readText(file), file);
}

/** A deep copy to break in a test without touching the loaded original. */
export function clone(workflow: Workflow): Workflow {
  return structuredClone(workflow);
}

export interface PackageJson {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export function readPackageJson(): PackageJson {
  return JSON.parse(readText('package.json')) as PackageJson;
}

/** Every step of a job with the job's id, in order. */
export function stepsOf(workflow: Workflow): { job: string; step: Step; index: number }[] {
  return Object.entries(workflow.jobs).flatMap(([job, { steps = [] }]) =>
    steps.map((step, index) => ({ job, step, index })),
  );
}

/** A step's display name for messages: its name, else what it runs or uses. */
export function describeStep(job: string, step: Step): string {
  return `${job}: ${step.name ?? step.uses ?? step.run?.split('\n')[0] ?? '?'}`;
}
