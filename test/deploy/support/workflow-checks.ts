import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type PackageJson, ROOT, stepsOf, type Workflow } from './workflow-model';

// Each check returns the problems it finds (empty when the workflow is right), so a test can also feed it a broken
// copy and see it complain.

export interface ShellCommand {
  tool: 'npm' | 'npx';
  /** The words after npm/npx, flags removed. */
  args: string[];
  text: string;
}

/** The npm and npx commands of a shell script: one per simple command, comments and env assignments skipped. */
export function npmCommands(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  for (const line of script.split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const segment of code.split(/&&|\|\||[;|()]/)) {
      const words = segment.trim().split(/\s+/).filter(Boolean);
      while (words.length && (/^\w+=/.test(words[0]) || ['sudo', 'exec', 'time'].includes(words[0]))) words.shift();
      const tool = words[0];
      if (tool !== 'npm' && tool !== 'npx') continue;
      commands.push({ tool, args: words.slice(1).filter((w) => !w.startsWith('-')), text: segment.trim() });
    }
  }
  return commands;
}

const RUN = new Set(['run', 'run-script', 'rum', 'urn']);
const LIFECYCLE: Record<string, string> = { test: 'test', t: 'test', tst: 'test', start: 'start', stop: 'stop' };
const BUILTIN = new Set(['ci', 'clean-install', 'install', 'i']);

/** The executables package.json's direct dependencies put in node_modules/.bin, each with its package. */
export function dependencyBins(pkg: PackageJson): Map<string, string> {
  const bins = new Map<string, string>();
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    const file = resolve(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(file)) continue;
    const { bin } = JSON.parse(readFileSync(file, 'utf8')) as { bin?: string | Record<string, string> };
    if (typeof bin === 'string') bins.set(name.replace(/^@[^/]+\//, ''), name);
    else for (const key of Object.keys(bin ?? {})) bins.set(key, name);
  }
  return bins;
}

/** Every `npm run x` / `npm test` names a script of package.json, and every `npx y` a direct dependency's bin. */
export function npmProblems(workflow: Workflow, pkg: PackageJson, bins: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const { job, step } of stepsOf(workflow)) {
    for (const command of npmCommands(step.run ?? '')) {
      const [sub, name] = command.args;
      const where = `${workflow.file} ${job}: '${command.text}'`;
      if (command.tool === 'npx') {
        if (!bins.has(sub)) problems.push(`${where}: no dependency in package.json provides '${sub}'`);
      } else if (RUN.has(sub)) {
        if (!name || !(name in pkg.scripts)) problems.push(`${where}: package.json has no script '${name}'`);
      } else if (sub in LIFECYCLE) {
        if (!(LIFECYCLE[sub] in pkg.scripts)) problems.push(`${where}: package.json has no script '${LIFECYCLE[sub]}'`);
      } else if (!BUILTIN.has(sub)) {
        problems.push(`${where}: neither a script nor an install command`);
      }
    }
  }
  return problems;
}

/** The major version of package.json's `node` dependency (e.g. ^24.21.0 -> 24), the Node every script runs on. */
export function nodeMajor(pkg: PackageJson): number {
  const match = /(\d+)/.exec(pkg.dependencies.node ?? '');
  if (!match) throw new Error('package.json has no node dependency');
  return Number(match[1]);
}

/** Every job that runs npm first sets up that Node major, with the npm cache. */
export function nodeProblems(workflow: Workflow, major: number): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const steps = job.steps ?? [];
    const setup = steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@'));
    const firstNpm = steps.findIndex((s) => npmCommands(s.run ?? '').length > 0);
    if (firstNpm >= 0 && (setup < 0 || setup > firstNpm)) {
      problems.push(`${workflow.file} ${id}: runs npm without actions/setup-node before it`);
    }
    if (setup < 0) continue;
    const version = String(steps[setup].with?.['node-version'] ?? '');
    if (version.split('.')[0] !== String(major)) {
      problems.push(`${workflow.file} ${id}: node-version '${version}', package.json runs on Node ${major}`);
    }
    if (steps[setup].with?.cache !== 'npm') problems.push(`${workflow.file} ${id}: setup-node without cache: npm`);
  }
  return problems;
}

/**
 * Least privilege: the workflow grants read access only, and each job's write scopes are exactly those listed
 * for it in `writes` (none for a job not listed).
 */
export function permissionProblems(workflow: Workflow, writes: Record<string, string[]> = {}): string[] {
  const problems: string[] = [];
  const top = workflow.permissions;
  if (typeof top !== 'object') {
    problems.push(`${workflow.file}: top-level permissions must be a map (e.g. contents: read), not ${top}`);
  } else {
    const granted = Object.entries(top).filter(([, level]) => level === 'write');
    if (granted.length) problems.push(`${workflow.file}: top-level write access ${granted.map(([s]) => s).join()}`);
  }
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const permissions = job.permissions ?? {};
    if (typeof permissions !== 'object') {
      problems.push(`${workflow.file} ${id}: permissions '${permissions}'`);
      continue;
    }
    const granted = Object.entries(permissions)
      .filter(([, level]) => level === 'write')
      .map(([scope]) => scope)
      .sort();
    const expected = [...(writes[id] ?? [])].sort();
    if (granted.join() !== expected.join()) {
      problems.push(`${workflow.file} ${id}: write access [${granted.join()}], expected [${expected.join()}]`);
    }
  }
  return problems;
}

/** Every job has a timeout and the workflow a concurrency group; runner jobs run on ubuntu-latest. */
export function hygieneProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  if (!workflow.concurrency?.group) problems.push(`${workflow.file}: no concurrency group`);
  if (workflow.concurrency?.['cancel-in-progress'] === undefined) {
    problems.push(`${workflow.file}: concurrency without cancel-in-progress`);
  }
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (job.uses) continue; // a called workflow sets its own
    if (!job['timeout-minutes']) problems.push(`${workflow.file} ${id}: no timeout-minutes`);
    if (job['runs-on'] !== 'ubuntu-latest') problems.push(`${workflow.file} ${id}: runs-on ${job['runs-on']}`);
  }
  return problems;
}

/** The words of the run steps of one job, for "does this job run X" checks. */
export function runText(workflow: Workflow, jobId: string): string {
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`${workflow.file}: no job ${jobId}`);
  return (job.steps ?? []).map((s) => s.run ?? '').join('\n');
}

/**
 * The first major of each action the workflows use that runs on Node 24: GitHub removed Node 20 from its runners in
 * September 2026, so an older major no longer starts. Sources: each action's release notes (`runs.using: node24`).
 */
export const NODE24_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/upload-artifact': 6,
  'docker/setup-qemu-action': 4,
  'docker/setup-buildx-action': 4,
  'docker/login-action': 4,
  'docker/metadata-action': 6,
  'docker/build-push-action': 7,
  'softprops/action-gh-release': 3,
};

/** Every action is pinned to a major (or a commit) that runs on Node 24; local workflows are exempt. */
export function actionVersionProblems(workflow: Workflow): string[] {
  const uses = [
    ...stepsOf(workflow).map(({ job, step }) => ({ job, uses: step.uses })),
    ...Object.entries(workflow.jobs).map(([job, { uses }]) => ({ job, uses })),
  ];
  const problems: string[] = [];
  for (const { job, uses: ref } of uses) {
    if (!ref || ref.startsWith('./')) continue;
    const [action, version = ''] = ref.split('@');
    const where = `${workflow.file} ${job}: ${ref}`;
    const major = /^v(\d+)(\.\d+){0,2}$/.exec(version)?.[1];
    if (!major && !/^[0-9a-f]{40}$/.test(version)) problems.push(`${where}: pin a major version (@vN) or a commit`);
    else if (!(action in NODE24_MAJOR)) problems.push(`${where}: unknown action, add its Node 24 major to the table`);
    else if (major && Number(major) < NODE24_MAJOR[action]) {
      problems.push(`${where}: runs on Node 20, use @v${NODE24_MAJOR[action]} or later`);
    }
  }
  return problems;
}
