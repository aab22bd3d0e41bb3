// The integrations, driven through the real tools with the README's own snippets: kubectl kustomize
// (legacy exec plugin), kpt (KRM function, render twice), the KRM wire format table, the shipped
// overlays, and pre-commit in scratch git repositories.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { examplesDir, readTree, repoRoot, wiGen, yamlDocs } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import { GKE_SPEC, projectWithWiGen, quietEnv, snippet } from './support/integrations.js';
import { validateKubernetesObject } from './support/core-schemas.js';

type Obj = Record<string, any>;

const fixtures = join(repoRoot, 'test', 'fixtures');
const PLUGIN = join('plugins', 'wi-gen.dev', 'v1alpha1', 'workloadidentityspec', 'WorkloadIdentitySpec');

const SPEC = GKE_SPEC;
const BAD_SPEC = SPEC.replace('reporter@acme-analytics.iam', 'reporter@Acme.iam');
/** Line and column of the bad value in BAD_SPEC, as wi-gen reports them. */
const BAD_AT = `${BAD_SPEC.split('\n').findIndex((l) => l.includes('reporter@Acme')) + 1}:${(BAD_SPEC.split('\n').find((l) => l.includes('reporter@Acme')) as string).indexOf('reporter@Acme') + 1}`;

const CRONJOB = `# the user's own workload
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: reporter
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example/report:1.0
`;

const key = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

// ------------------------------------------------------------------------------------- kubectl kustomize

const kustomize = suite('kubectl kustomize: legacy exec plugin');

function kustomizeProject(spec: string): string {
  const dir = projectWithWiGen('wi-gen-kustomize-');
  writeFileSync(join(dir, 'kustomization.yaml'), snippet('kustomization-generator'));
  writeFileSync(join(dir, 'wi-gen.yaml'), spec);
  writeFileSync(join(dir, 'cronjob.yaml'), CRONJOB);
  return dir;
}

if (!hasTool('kubectl')) {
  kustomize.skip('kubectl is not installed', () => {});
} else {
  kustomize('the README kustomization and command: objects composed with namespace:, patches and resources', () => {
    const dir = kustomizeProject(SPEC);
    const r = run('sh', ['-c', snippet('kustomize-plugin-command')], { cwd: dir, env: quietEnv() });
    assert.is(r.code, 0, r.stderr);
    const objs = yamlDocs(r.stdout) as Obj[];
    assert.equal(objs.map(key).sort(), ['CronJob/batch/nightly-report', 'ServiceAccount/batch/reporter']);
    const sa = objs.find((o) => o.kind === 'ServiceAccount') as Obj;
    assert.is(sa.metadata.annotations['iam.gke.io/gcp-service-account'], 'reporter@acme-analytics.iam.gserviceaccount.com');
    assert.is(sa.metadata.labels.team, 'analytics', "the user's patch applies to the generated object");
    assert.is(sa.metadata.labels['app.kubernetes.io/managed-by'], 'wi-gen');
    for (const o of objs) assert.equal(validateKubernetesObject(o), [], key(o));
  });

  kustomize('a bad spec fails the build with file:line:col in the original file', () => {
    const dir = kustomizeProject(BAD_SPEC);
    const r = run('sh', ['-c', snippet('kustomize-plugin-command')], { cwd: dir, env: quietEnv() });
    assert.is.not(r.code, 0);
    assert.is(r.stdout, '');
    assert.match(r.stderr, `wi-gen.yaml:${BAD_AT}: identities[0].gke.serviceAccount: must be a Google service account e-mail`);
  });

  kustomize("a namespace: that would move a bound ServiceAccount away from its cloud binding fails the build", () => {
    const dir = kustomizeProject(SPEC);
    writeFileSync(join(dir, 'kustomization.yaml'), snippet('kustomization-generator').replace('namespace: batch', 'namespace: apps'));
    const r = run('sh', ['-c', snippet('kustomize-plugin-command')], { cwd: dir, env: quietEnv() });
    assert.is.not(r.code, 0);
    assert.match(r.stderr, 'kustomization.yaml: namespace: apps would move ServiceAccount batch/reporter, which wi-gen.yaml puts in batch and binds there');
  });

  kustomize('the plugin runs from this repository too, and as a lone copy through npx', () => {
    // From the repository: KUSTOMIZE_PLUGIN_HOME=<repo>/plugins, no node_modules/wi-gen around.
    const bare = tmpDir('wi-gen-kustomize-');
    writeFileSync(join(bare, 'kustomization.yaml'), 'generators:\n  - wi-gen.yaml\n');
    writeFileSync(join(bare, 'wi-gen.yaml'), SPEC);
    const fromRepo = run('kubectl', ['kustomize', '--enable-alpha-plugins', bare], { env: quietEnv({ KUSTOMIZE_PLUGIN_HOME: join(repoRoot, 'plugins') }) });
    assert.is(fromRepo.code, 0, fromRepo.stderr);
    assert.equal((yamlDocs(fromRepo.stdout) as Obj[]).map(key), ['ServiceAccount/batch/reporter']);
    // A copy of the plugin file alone (vendored into the user's repo): it falls back to the installed wi-gen.
    const dir = kustomizeProject(SPEC);
    const home = join(dir, 'kustomize-plugins');
    const copy = join(home, relative('plugins', PLUGIN));
    mkdirSync(join(copy, '..'), { recursive: true });
    copyFileSync(join(repoRoot, PLUGIN), copy);
    chmodSync(copy, 0o755);
    const copied = run('kubectl', ['kustomize', '--enable-alpha-plugins', '.'], { cwd: dir, env: quietEnv({ KUSTOMIZE_PLUGIN_HOME: home }) });
    assert.is(copied.code, 0, copied.stderr);
    assert.ok((yamlDocs(copied.stdout) as Obj[]).some((o) => key(o) === 'ServiceAccount/batch/reporter'));
  });
}
kustomize.run();

// ------------------------------------------------------------------------------------- kpt

const kpt = suite('kpt: KRM function');

function kptPackage(spec: string): { project: string; pkg: string } {
  const project = projectWithWiGen('wi-gen-kpt-');
  const pkg = join(project, 'pkg');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'Kptfile'), snippet('kptfile'));
  writeFileSync(join(pkg, 'wi-gen.yaml'), spec);
  writeFileSync(join(pkg, 'cronjob.yaml'), CRONJOB);
  return { project, pkg };
}

/** Every object in the package's YAML files, with the file it is in. */
function packageObjects(pkg: string): { file: string; obj: Obj }[] {
  const tree = readTree(pkg);
  return [...tree].filter(([p]) => p.endsWith('.yaml')).flatMap(([file, text]) => (yamlDocs(text) as Obj[]).map((obj) => ({ file, obj })));
}

if (!hasTool('kpt')) {
  kpt.skip('kpt is not installed', () => {});
} else {
  kpt('kpt fn render twice: the objects once, the user files byte for byte', () => {
    const { pkg } = kptPackage(SPEC);
    const before = readTree(pkg);
    for (const round of [1, 2]) {
      const r = run('kpt', ['fn', 'render', '--allow-exec'], { cwd: pkg, env: quietEnv() });
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stderr, round === 1 ? '1 added, 0 updated' : '0 added, 1 updated');
      const objs = packageObjects(pkg);
      assert.equal(objs.filter(({ obj }) => obj.kind === 'ServiceAccount').length, 1, `round ${round}: no duplicate`);
      for (const f of ['cronjob.yaml', 'wi-gen.yaml', 'Kptfile']) assert.is(readTree(pkg).get(f), before.get(f), `${f} unchanged, comments included`);
      const sa = objs.find(({ obj }) => obj.kind === 'ServiceAccount') as { obj: Obj };
      assert.equal(validateKubernetesObject(sa.obj), []);
    }
  });

  kpt('a hand edit of a generated object is replaced in its file on the next render', () => {
    const { pkg } = kptPackage(SPEC);
    assert.is(run('kpt', ['fn', 'render', '--allow-exec'], { cwd: pkg }).code, 0);
    const { file } = packageObjects(pkg).find(({ obj }) => obj.kind === 'ServiceAccount') as { file: string };
    const path = join(pkg, file);
    const generated = readFileSync(path, 'utf8');
    writeFileSync(path, generated.replace('reporter@acme-analytics', 'someone-else@acme-analytics'));
    assert.is(run('kpt', ['fn', 'render', '--allow-exec'], { cwd: pkg }).code, 0);
    assert.is(readFileSync(path, 'utf8'), generated);
  });

  kpt('kpt fn eval with --fn-config (the README command) prints the objects', () => {
    const { pkg } = kptPackage(SPEC);
    const command = snippet('kpt-commands').split('\n').find((l) => l.startsWith('kpt fn eval')) as string;
    const r = run('sh', ['-c', command], { cwd: pkg, env: quietEnv() });
    assert.is(r.code, 0, r.stderr);
    assert.equal((yamlDocs(r.stdout) as Obj[]).map(key), ['ServiceAccount/batch/reporter']);
  });

  kpt('a bad spec fails kpt with a result carrying severity, field path and file:line:col', () => {
    const { pkg } = kptPackage(BAD_SPEC);
    const before = readTree(pkg);
    const r = run('kpt', ['fn', 'render', '--allow-exec'], { cwd: pkg, env: quietEnv() });
    assert.is(r.code, 1);
    assert.match(r.stderr, `[error] wi-gen.dev/v1alpha1/WorkloadIdentitySpec/workload-identity identities[0].gke.serviceAccount: wi-gen.yaml:${BAD_AT}: must be a Google service account e-mail`);
    assert.equal(readTree(pkg), before, 'nothing written');
  });
}
kpt.run();

// ------------------------------------------------------------------------------------- wire format

const fn = suite('wi-gen fn: ResourceList in, ResourceList out');

const RESOURCE_LIST = (items: string, config = SPEC) =>
  `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}functionConfig:\n${config.replace(/^/gm, '  ').trimEnd()}\n`;

const GENERATED_SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  annotations:
    iam.gke.io/gcp-service-account: reporter@acme-analytics.iam.gserviceaccount.com
  labels:
    app.kubernetes.io/managed-by: wi-gen
  name: reporter
  namespace: batch
automountServiceAccountToken: false
`;

const indentItem = (yaml: string) => yaml.trimEnd().split('\n').map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n') + '\n';

const table: { name: string; items: string; expected: string; info: string }[] = [
  {
    name: 'kustomize --enable-exec: the config itself is the only item, and stays',
    items: indentItem(SPEC),
    expected: indentItem(SPEC) + indentItem(GENERATED_SA),
    info: '1 added, 0 updated',
  },
  {
    name: 'kpt: other items pass through as they were, comments and flow style included',
    items: `  - # keep me\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: c, namespace: batch }\n    data: { enabled: "yes" }\n`,
    expected: `  - # keep me\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: c, namespace: batch }\n    data: { enabled: "yes" }\n` + indentItem(GENERATED_SA),
    info: '1 added, 0 updated',
  },
  {
    name: 'upsert: a stale copy is replaced where it stands, keeping the annotations kpt places it by',
    items: indentItem(
      GENERATED_SA.replace('reporter@acme', 'old@acme').replace('  annotations:\n', "  annotations:\n    config.kubernetes.io/path: 'batch/sa.yaml'\n    internal.config.kubernetes.io/path: 'batch/sa.yaml'\n    mine: kept-not\n"),
    ) + indentItem('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: reporter\n  namespace: other\n'),
    expected:
      indentItem(GENERATED_SA.replace('    iam.gke.io', "    config.kubernetes.io/path: batch/sa.yaml\n    internal.config.kubernetes.io/path: batch/sa.yaml\n    iam.gke.io").replace(/(iam\.gke\.io\/gcp-service-account: .*\n)/, '$1')) +
      indentItem('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: reporter\n  namespace: other\n'),
    info: '0 added, 1 updated',
  },
];

for (const c of table) {
  fn(c.name, () => {
    const r = wiGen(['fn'], { input: RESOURCE_LIST(c.items) });
    assert.is(r.code, 0, r.stderr);
    const out = r.stdout;
    const items = out.slice(out.indexOf('items:\n') + 'items:\n'.length, out.indexOf('functionConfig:'));
    const expected = parse(`x:\n${c.expected}`) as { x: Obj[] };
    assert.equal(parse(`x:\n${items}`), expected);
    // Comments of passed-through items survive where they were (kpt writes items back to files).
    for (const line of c.items.split('\n').filter((l) => l.includes('#'))) assert.ok(items.includes(line), line);
    const list = parse(out) as Obj;
    assert.equal(list.results, [{ message: `wi-gen: 1 object(s) from WorkloadIdentitySpec/workload-identity: ${c.info}`, severity: 'info' }]);
  });
}

fn('a bad spec: exit 2, error results with field path, and nothing generated', () => {
  const r = wiGen(['fn'], { input: RESOURCE_LIST(indentItem(BAD_SPEC), BAD_SPEC) });
  assert.is(r.code, 2);
  const list = parse(r.stdout) as Obj;
  assert.is(list.items.length, 1);
  assert.equal(list.results, [
    {
      message: 'must be a Google service account e-mail: NAME@PROJECT.iam.gserviceaccount.com',
      severity: 'error',
      resourceRef: { apiVersion: 'wi-gen.dev/v1alpha1', kind: 'WorkloadIdentitySpec', name: 'workload-identity' },
      field: { path: 'identities[0].gke.serviceAccount' },
    },
  ]);
  assert.is(r.stderr, 'WorkloadIdentitySpec/workload-identity: identities[0].gke.serviceAccount: must be a Google service account e-mail: NAME@PROJECT.iam.gserviceaccount.com\n');
});

fn('not a ResourceList, or no functionConfig: exit 2 with a message', () => {
  const notList = wiGen(['fn'], { input: 'apiVersion: v1\nkind: ConfigMap\n' });
  assert.is(notList.code, 2);
  assert.match(notList.stderr, 'expected a ResourceList');
  const noConfig = wiGen(['fn'], { input: 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n' });
  assert.is(noConfig.code, 2);
  assert.match(noConfig.stderr, 'has no functionConfig');
});

fn('the shipped plugin file is the KRM function when run without an argument', () => {
  const r = run(join(repoRoot, PLUGIN), [], { input: RESOURCE_LIST('') });
  assert.is(r.code, 0, r.stderr);
  assert.equal((parse(r.stdout) as Obj).items, [parse(GENERATED_SA)]);
});

fn('the README exec annotation (standalone kustomize) is a valid spec and names the shipped plugin', () => {
  const annotated = SPEC.replace(/metadata:\n(.|\n)*?cluster:/, `${snippet('kustomize-exec-annotation')}cluster:`);
  const path = (parse(annotated) as Obj).metadata.annotations['config.kubernetes.io/function'].match(/path: (\S+)/)[1] as string;
  assert.is(path, `./node_modules/wi-gen/${PLUGIN}`);
  const r = wiGen(['fn'], { input: RESOURCE_LIST(indentItem(annotated), annotated) });
  assert.is(r.code, 0, r.stderr);
  assert.equal((parse(r.stdout) as Obj).items.map(key), ['WorkloadIdentitySpec//workload-identity', 'ServiceAccount/batch/reporter']);
});
fn.run();

// ------------------------------------------------------------------------------------- overlays

const overlays = suite('overlays/ built by kubectl kustomize');

function buildWith(resources: readonly string[], components: readonly string[]): Obj[] {
  const dir = tmpDir('wi-gen-overlay-');
  const names = resources.map((r, i) => {
    copyFileSync(r, join(dir, `resource-${i}.yaml`));
    return `resource-${i}.yaml`;
  });
  writeFileSync(join(dir, 'kustomization.yaml'), stringify({ resources: names, components: components.map((c) => relative(dir, c)) }));
  const r = run('kubectl', ['kustomize', dir]);
  assert.is(r.code, 0, r.stderr);
  return yamlDocs(r.stdout) as Obj[];
}

const podSpecs = (o: Obj): Obj[] => (o.kind === 'CronJob' ? [o.spec.jobTemplate.spec.template.spec] : o.spec?.template?.spec ? [o.spec.template.spec] : []);

if (!hasTool('kubectl')) {
  overlays.skip('kubectl is not installed', () => {});
} else {
  overlays('every overlay builds', () => {
    for (const name of readdirSync(join(repoRoot, 'overlays'))) {
      const objs = buildWith([join(fixtures, 'cert-manager-static', 'cert-manager.yaml'), join(fixtures, 'cert-manager-static', 'leader-election.yaml'), join(fixtures, 'shop', 'workloads.yaml')], [join(repoRoot, 'overlays', name)]);
      assert.ok(objs.length > 0, name);
    }
  });

  overlays('gke-metadata-server: every pod template pinned, existing nodeSelectors and selectors kept', () => {
    const objs = buildWith([join(fixtures, 'shop', 'workloads.yaml'), join(fixtures, 'cert-manager-static', 'cert-manager.yaml')], [join(repoRoot, 'overlays', 'gke-metadata-server')]);
    const workloads = objs.filter((o) => podSpecs(o).length > 0);
    assert.ok(workloads.length >= 5);
    for (const o of workloads) {
      for (const spec of podSpecs(o)) assert.is(spec.nodeSelector['iam.gke.io/gke-metadata-server-enabled'], 'true', key(o));
      assert.equal(validateKubernetesObject(o), [], key(o));
      assert.not.ok(JSON.stringify(o.spec.selector ?? {}).includes('gke-metadata-server'), 'selectors untouched');
    }
    const cm = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cert-manager') as Obj;
    assert.is(cm.spec.template.spec.nodeSelector['kubernetes.io/os'], 'linux');
  });

  overlays('cert-manager-static with the generated Autopilot Component: leases and their RBAC both in cert-manager', () => {
    const spec = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster: {name: ap, gke: {project: acme-autopilot, autopilot: true}}
identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-autopilot.iam.gserviceaccount.com}
certManager:
  install: manifests
  identity: dns
  issuers:
    - name: letsencrypt
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-autopilot}}
`;
    const work = tmpDir('wi-gen-overlay-');
    writeFileSync(join(work, 'spec.yaml'), spec);
    assert.is(wiGen(['render', join(work, 'spec.yaml')]).code, 0);
    const objs = buildWith(
      [join(fixtures, 'cert-manager-static', 'cert-manager.yaml'), join(fixtures, 'cert-manager-static', 'leader-election.yaml')],
      [join(work, 'out', 'kustomize', 'cert-manager'), join(repoRoot, 'overlays', 'cert-manager-static')],
    );
    const args = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cert-manager')?.spec.template.spec.containers[0].args as string[];
    assert.is(args[args.length - 1], '--leader-election-namespace=cert-manager');
    const rbac = objs.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
    assert.equal(rbac.map(key).sort(), [
      'Role/cert-manager/cert-manager-cainjector:leaderelection',
      'Role/cert-manager/cert-manager:leaderelection',
      'RoleBinding/cert-manager/cert-manager-cainjector:leaderelection',
      'RoleBinding/cert-manager/cert-manager:leaderelection',
    ]);
    for (const o of rbac) assert.equal(validateKubernetesObject(o), [], key(o));
  });

  overlays('the README overlays kustomization (release manifest swapped for the fixture)', () => {
    const dir = projectWithWiGen('wi-gen-overlay-');
    cpSync(join(examplesDir, 'gke-multi-workload-migration', 'out'), join(dir, 'out'), { recursive: true });
    copyFileSync(join(fixtures, 'cert-manager-static', 'cert-manager.yaml'), join(dir, 'cert-manager.yaml'));
    const kustomization = snippet('overlays').replace(/https:\/\/github\.com\/\S+\/cert-manager\.yaml/, 'cert-manager.yaml');
    assert.is.not(kustomization, snippet('overlays'));
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    const r = run('kubectl', ['kustomize', dir]);
    assert.is(r.code, 0, r.stderr);
    const sa = (yamlDocs(r.stdout) as Obj[]).find((o) => key(o) === 'ServiceAccount/cert-manager/cert-manager') as Obj;
    assert.is(sa.metadata.annotations['iam.gke.io/gcp-service-account'], 'dns01-solver@shop-prod-1234.iam.gserviceaccount.com');
  });
}
overlays.run();

// ------------------------------------------------------------------------------------- pre-commit

const preCommit = suite('pre-commit');

const git = (cwd: string, ...args: string[]) => {
  const r = run('git', ['-c', 'user.email=test@wi-gen.invalid', '-c', 'user.name=wi-gen test', '-c', 'commit.gpgsign=false', ...args], { cwd });
  assert.is(r.code, 0, r.stderr);
};

/** A git repository holding the gke-cronjob example (spec + committed out/) and the given config. */
function hookRepo(config: string, withWiGen: boolean): string {
  const dir = withWiGen ? projectWithWiGen('wi-gen-pre-commit-') : tmpDir('wi-gen-pre-commit-');
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  cpSync(join(examplesDir, 'gke-cronjob'), join(dir, 'analytics'), { recursive: true });
  writeFileSync(join(dir, '.pre-commit-config.yaml'), config);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

const makeStale = (dir: string) => {
  const spec = join(dir, 'analytics', 'spec.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('roles/bigquery.jobUser', 'roles/bigquery.user'));
};

const preCommitRun = (dir: string, home: string, ...args: string[]) =>
  run('pre-commit', ['run', ...args, '--all-files', '--color', 'never'], { cwd: dir, env: quietEnv({ PRE_COMMIT_HOME: home }), timeoutMs: 300_000 });

/** The published hooks as a `repo: local` system config: same entries and files, wi-gen from node_modules. */
function localFromPublished(): string {
  const hooks = parse(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Obj[];
  return stringify({ repos: [{ repo: 'local', hooks: hooks.map((h) => ({ ...h, language: 'system', entry: `npx --no-install ${h.entry}` })) }] });
}

if (!hasTool('pre-commit') || !hasTool('git')) {
  preCommit.skip('pre-commit or git is not installed', () => {});
} else {
  preCommit('the README local hook passes on a fresh tree and fails on a stale one with the diff', () => {
    const dir = hookRepo(snippet('pre-commit-local'), true);
    const home = tmpDir('wi-gen-pre-commit-home-');
    const fresh = preCommitRun(dir, home);
    assert.is(fresh.code, 0, fresh.stdout + fresh.stderr);
    assert.match(fresh.stdout, /wi-gen check\.+Passed/);
    makeStale(dir);
    const stale = preCommitRun(dir, home);
    assert.is(stale.code, 1, stale.stdout + stale.stderr);
    assert.match(stale.stdout, /wi-gen check\.+Failed/);
    assert.match(stale.stdout, /^-\s+--role='roles\/bigquery\.jobUser'|^-.*roles\/bigquery\.jobUser/m);
    assert.match(stale.stdout, /^\+.*roles\/bigquery\.user/m);
    assert.match(stale.stdout, /run: wi-gen analytics\/spec\.yaml -o analytics\/out/);
  });

  preCommit('wi-gen-render rewrites a stale tree, fails once so it is reviewed, then passes', () => {
    const dir = hookRepo(localFromPublished(), true);
    const home = tmpDir('wi-gen-pre-commit-home-');
    assert.is(preCommitRun(dir, home).code, 0);
    makeStale(dir);
    const first = preCommitRun(dir, home, 'wi-gen-render');
    assert.is(first.code, 1, first.stdout + first.stderr);
    assert.match(first.stdout, /files were modified by this hook/);
    assert.match(first.stdout, /analytics\/out: rewrote \d+ file\(s\) from analytics\/spec\.yaml/);
    assert.match(readFileSync(join(dir, 'analytics', 'out', 'cloud', 'gcloud.sh'), 'utf8'), /roles\/bigquery\.user/);
    git(dir, 'add', '-A');
    const second = preCommitRun(dir, home);
    assert.is(second.code, 0, second.stdout + second.stderr);
  });

  // The published `language: node` form: pre-commit clones the hook repo and npm-installs it with
  // its dev dependencies, from the registry (20-60 s measured here). Opt-in, so that `npm test`
  // stays quick and offline; .ci/run opts in.
  // Slow (an npm install from the registry): on in CI, opt-in elsewhere.
  const optIn = process.env['WI_GEN_TEST_PRE_COMMIT_NODE'] === '1' || process.env['CI'] === 'true';
  const online = optIn && hasTool('npm') && run('npm', ['ping'], { timeoutMs: 20_000, env: quietEnv() }).code === 0;
  if (!optIn) {
    preCommit.skip('try-repo (language: node): set WI_GEN_TEST_PRE_COMMIT_NODE=1 (or CI=true) to run it (needs the npm registry)', () => {});
  } else if (!online) {
    preCommit.skip('try-repo (language: node): npm registry not reachable', () => {});
  } else {
    preCommit('pre-commit try-repo: the published language: node hooks from a clone of this commit', () => {
      const clone = join(tmpDir('wi-gen-clone-'), 'wi-gen');
      const c = run('git', ['clone', '-q', repoRoot, clone]);
      assert.is(c.code, 0, c.stderr);
      const dir = hookRepo('repos: []\n', false);
      const home = tmpDir('wi-gen-pre-commit-home-');
      const tryRepo = () =>
        run('pre-commit', ['try-repo', clone, 'wi-gen-check', '--all-files', '--color', 'never'], { cwd: dir, env: quietEnv({ PRE_COMMIT_HOME: home }), timeoutMs: 300_000 });
      const fresh = tryRepo();
      assert.is(fresh.code, 0, fresh.stdout + fresh.stderr);
      assert.match(fresh.stdout, /wi-gen check \(rendered trees match their specs\)\.+Passed/);
      makeStale(dir);
      const stale = tryRepo();
      assert.is(stale.code, 1, stale.stdout + stale.stderr);
      assert.match(stale.stdout, /^\+.*roles\/bigquery\.user/m);
    });
  }
}
preCommit.run();
