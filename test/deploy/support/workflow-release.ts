import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT, type Step, stepsOf, type Workflow } from './workflow-model';

/** The steps of a workflow that use `action` (owner/name, any version), with their job. */
export function stepsUsing(workflow: Workflow, action: string): { job: string; step: Step }[] {
  return stepsOf(workflow).filter(({ step }) => step.uses?.split('@')[0] === action);
}

/** The step that renders the overlays: the one whose env names OVERLAYS. */
export function renderStep(workflow: Workflow): { job: string; step: Step } {
  const found = stepsOf(workflow).find(({ step }) => step.env?.OVERLAYS !== undefined);
  if (!found) throw new Error(`${workflow.file}: no step with env OVERLAYS renders the manifests`);
  return found;
}

const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * The image is built from the root Dockerfile, for amd64 and arm64, pushed to ghcr.io with the tag's and the
 * commit's tags; the render step covers exactly the dev and prod overlays, which exist; the release attaches
 * what the render step writes.
 */
export function releaseProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  const build = stepsUsing(workflow, 'docker/build-push-action')[0]?.step;
  if (!build) return [`${workflow.file}: no docker/build-push-action step`];
  const file = String(build.with?.file ?? 'Dockerfile');
  if (!existsSync(join(ROOT, file))) problems.push(`${workflow.file}: builds ${file}, which does not exist`);
  if (build.with?.push !== true) problems.push(`${workflow.file}: build-push-action does not push`);
  const platforms = String(build.with?.platforms ?? '').split(',');
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    if (!platforms.includes(platform)) problems.push(`${workflow.file}: image not built for ${platform}`);
  }
  const login = stepsUsing(workflow, 'docker/login-action')[0]?.step;
  if (login?.with?.registry !== 'ghcr.io') problems.push(`${workflow.file}: no docker/login-action to ghcr.io`);
  const tags = String(stepsUsing(workflow, 'docker/metadata-action')[0]?.step.with?.tags ?? '');
  for (const tag of ['type=ref,event=tag', 'type=sha']) {
    if (!tags.includes(tag)) problems.push(`${workflow.file}: image tags lack ${tag}`);
  }

  const { step: render } = renderStep(workflow);
  const overlays = String(render.env?.OVERLAYS).split(/\s+/).filter(Boolean).sort();
  if (overlays.join() !== 'dev,prod') problems.push(`${workflow.file}: renders [${overlays.join()}], not dev and prod`);
  for (const overlay of overlays) {
    const dir = join(ROOT, 'deploy/k8s/overlays', overlay);
    if (!KUSTOMIZATION.some((name) => existsSync(join(dir, name)))) {
      problems.push(`${workflow.file}: deploy/k8s/overlays/${overlay} has no kustomization`);
    }
  }
  const attached = String(stepsUsing(workflow, 'softprops/action-gh-release')[0]?.step.with?.files ?? '');
  if (!attached.startsWith(`${render.env?.OUT}/`)) {
    problems.push(`${workflow.file}: the release attaches '${attached}', the manifests go to ${render.env?.OUT}`);
  }
  return problems;
}

export interface Rendered {
  /** The files the render step wrote, by name. */
  files: Record<string, string>;
  /** Every container and init container image in them, by file. */
  images: Record<string, string[]>;
  exitCode: number | null;
  stderr: string;
}

/** Container images anywhere in a Kubernetes object (pod templates of Deployments, Jobs, …). */
export function containerImages(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) containerImages(item, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const container of value as { image?: string }[]) if (container.image) found.push(container.image);
      } else containerImages(value, found);
    }
  }
  return found;
}

/**
 * Runs the render step's script as GitHub would (bash -e, pipefail), with its env plus `env`, on a copy of deploy/
 * in a temporary directory (kustomize edit rewrites the overlays), and reads what it wrote. Removes the copy.
 */
export function runRenderStep(workflow: Workflow, env: Record<string, string>): Rendered {
  const { step } = renderStep(workflow);
  const dir = mkdtempSync(join(tmpdir(), 'ultra-release-render-'));
  try {
    cpSync(join(ROOT, 'deploy'), join(dir, 'deploy'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    symlinkSync(join(ROOT, 'scripts'), join(dir, 'scripts'));
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...step.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const out = join(dir, env.OUT ?? step.env?.OUT ?? '');
    const files: Record<string, string> = {};
    const images: Record<string, string[]> = {};
    for (const name of existsSync(out) ? readdirSync(out) : []) {
      files[name] = readFileSync(join(out, name), 'utf8');
      images[name] = parseAllDocuments(files[name]).flatMap((doc) => containerImages(doc.toJS()));
    }
    return { files, images, exitCode: run.status, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
