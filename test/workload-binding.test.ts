// The workload half of a binding through the real tools: a Deployment, StatefulSet, DaemonSet,
// Job and CronJob bound in the spec end up on their ServiceAccount with the method's pod
// metadata, through `kubectl kustomize` (the README's generator + transformer pair) and
// `kpt fn render` (the README's Kptfile), for GKE, AKS workload identity, EKS Pod Identity and
// IRSA; a second render changes nothing; conflicts and missing workloads are reported.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, readTree, yamlDocs } from './support/wi-gen.js';
import { hasTool, run } from './support/tools.js';
import { projectWithWiGen, quietEnv, snippet } from './support/integrations.js';
import { validateKubernetesObject } from './support/core-schemas.js';

type Obj = Record<string, any>;

const HEAD = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
metadata:
  name: workload-identity
  annotations:
    config.kubernetes.io/local-config: "true"
`;
const WORKLOADS_REF = '[{kind: Deployment, name: api}, {kind: StatefulSet, name: store}, {kind: DaemonSet, name: agent}, {kind: Job, name: backfill}, {kind: CronJob, name: nightly}]';

interface Case {
  readonly method: string;
  readonly spec: string;
  /** The ServiceAccount annotation the method sets (none for Pod Identity). */
  readonly saAnnotation?: [string, string];
  readonly podLabels?: Record<string, string>;
  readonly nodeSelector?: Record<string, string>;
}

const EKS = `cluster:
  name: shop
  eks:
    accountID: "444455556666"
    region: us-east-2
    clusterName: shop-prod
    oidcProviderARN: arn:aws:iam::444455556666:oidc-provider/oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
`;

const CASES: Case[] = [
  {
    method: 'GKE (metadata-server migration)',
    spec: `${HEAD}cluster:
  name: analytics
  gke: {project: acme-analytics, metadataServerNodeSelector: true}
identities:
  - name: app
    gke: {serviceAccount: app-runner@acme-analytics.iam.gserviceaccount.com}
bindings:
  - identity: app
    serviceAccount: {namespace: batch, name: app}
    workloads: ${WORKLOADS_REF}
`,
    saAnnotation: ['iam.gke.io/gcp-service-account', 'app-runner@acme-analytics.iam.gserviceaccount.com'],
    nodeSelector: { 'iam.gke.io/gke-metadata-server-enabled': 'true' },
  },
  {
    method: 'AKS workload identity',
    spec: `${HEAD}cluster:
  name: aks-prod-weu
  aks:
    oidcIssuerURL: https://westeurope.oic.prod-aks.azure.com/8d3f6a2e-1c4b-4e7a-9f10-2b6c5d4e3f21/5b0e7c9a-3d2f-4a18-b6e4-9c1f0a2d7e58/
    tenantID: 8d3f6a2e-1c4b-4e7a-9f10-2b6c5d4e3f21
    subscriptionID: 4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69
    resourceGroup: rg-aks-prod
identities:
  - name: app
    azureWorkloadIdentity: {name: id-app, resourceGroup: rg-identities, clientID: 0c7b9e21-5d4a-4f3e-a1b2-c3d4e5f60718}
bindings:
  - identity: app
    serviceAccount: {namespace: batch, name: app}
    workloads: ${WORKLOADS_REF}
`,
    saAnnotation: ['azure.workload.identity/client-id', '0c7b9e21-5d4a-4f3e-a1b2-c3d4e5f60718'],
    podLabels: { 'azure.workload.identity/use': 'true' },
  },
  {
    method: 'EKS Pod Identity',
    spec: `${HEAD}${EKS}identities:
  - name: app
    awsPodIdentity: {roleARN: "arn:aws:iam::444455556666:role/app"}
bindings:
  - identity: app
    serviceAccount: {namespace: batch, name: app}
    workloads: ${WORKLOADS_REF}
`,
  },
  {
    method: 'EKS IRSA',
    spec: `${HEAD}${EKS}identities:
  - name: app
    awsIrsa: {roleARN: "arn:aws:iam::444455556666:role/app"}
bindings:
  - identity: app
    serviceAccount: {namespace: batch, name: app}
    workloads: ${WORKLOADS_REF}
`,
    saAnnotation: ['eks.amazonaws.com/role-arn', 'arn:aws:iam::444455556666:role/app'],
  },
];

/** The user's workloads: no namespace (the kustomization's namespace: or the kpt package decides), comments, no ServiceAccount. */
const WORKLOADS = `# the user's own workloads
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api # the API
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers: [{name: api, image: registry.example/api:1.0}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: store
spec:
  serviceName: store
  selector: {matchLabels: {app: store}}
  template:
    metadata:
      labels: {app: store}
    spec:
      containers: [{name: store, image: registry.example/store:1.0}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers: [{name: agent, image: registry.example/agent:1.0}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: backfill
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: backfill, image: registry.example/backfill:1.0}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: nightly, image: registry.example/nightly:1.0}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: unbound # not in the spec: left alone
spec:
  selector: {matchLabels: {app: unbound}}
  template:
    metadata:
      labels: {app: unbound}
    spec:
      containers: [{name: unbound, image: registry.example/unbound:1.0}]
`;

const KINDS = ['Deployment/api', 'StatefulSet/store', 'DaemonSet/agent', 'Job/backfill', 'CronJob/nightly'];
const podTemplateOf = (o: Obj): Obj => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template);

/** Every bound workload on the ServiceAccount with the method's pod metadata; the unbound one untouched. */
function assertBound(objs: Obj[], c: Case, namespace: string | undefined): void {
  for (const id of KINDS) {
    const [kind, name] = id.split('/');
    const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
    assert.ok(o, `${id} in the output`);
    if (namespace !== undefined) assert.is(o.metadata.namespace, namespace, id);
    const template = podTemplateOf(o);
    assert.is(template.spec.serviceAccountName, 'app', `${c.method}: ${id} runs as app`);
    for (const [k, v] of Object.entries(c.podLabels ?? {})) assert.is(template.metadata?.labels?.[k], v, `${id}: pod label ${k}`);
    for (const [k, v] of Object.entries(c.nodeSelector ?? {})) assert.is(template.spec.nodeSelector?.[k], v, `${id}: nodeSelector ${k}`);
    if (!c.nodeSelector) assert.is(template.spec.nodeSelector, undefined, `${id}: no nodeSelector for ${c.method}`);
    if (o.spec.selector) assert.equal(o.spec.selector.matchLabels, { app: name }, `${id}: selector untouched`);
    assert.equal(validateKubernetesObject(o), [], id);
  }
  const unbound = objs.find((x) => x.metadata.name === 'unbound') as Obj;
  assert.is(unbound.spec.template.spec.serviceAccountName, undefined, 'an unbound workload is left alone');
  const sa = objs.find((x) => x.kind === 'ServiceAccount' && x.metadata.name === 'app');
  assert.ok(sa, 'the ServiceAccount is generated');
  if (c.saAnnotation) assert.is(sa.metadata.annotations?.[c.saAnnotation[0]], c.saAnnotation[1]);
}

// ------------------------------------------------------------------------------------- kubectl kustomize

const kustomize = suite('kubectl kustomize: generator + transformer put bound workloads on their ServiceAccount');

function kustomizeProject(spec: string, kustomization = snippet('kustomization-generator')): string {
  const dir = projectWithWiGen('wi-gen-bind-kustomize-');
  writeFileSync(join(dir, 'kustomization.yaml'), kustomization.replace('  - cronjob.yaml', '  - workloads.yaml'));
  writeFileSync(join(dir, 'wi-gen.yaml'), spec);
  writeFileSync(join(dir, 'workloads.yaml'), WORKLOADS);
  return dir;
}
const build = (dir: string) => run('sh', ['-c', snippet('kustomize-plugin-command')], { cwd: dir, env: quietEnv() });

if (!hasTool('kubectl')) {
  kustomize.skip('kubectl is not installed', () => {});
} else {
  for (const c of CASES) {
    kustomize(`${c.method}: the README kustomization, every workload kind`, () => {
      // The README's patch targets a ServiceAccount named reporter; here it is app.
      const dir = kustomizeProject(c.spec, snippet('kustomization-generator').replace('name: reporter}', 'name: app}'));
      const r = build(dir);
      assert.is(r.code, 0, r.stderr);
      const objs = yamlDocs(r.stdout) as Obj[];
      assertBound(objs, c, 'batch');
      assert.is((objs.find((o) => o.kind === 'ServiceAccount') as Obj).metadata.labels.team, 'analytics', "the user's patch still applies");
    });
  }

  for (const c of CASES) {
    kustomize(`${c.method}: the generated namespace Component builds the same objects as the transformer`, () => {
      const dir = kustomizeProject(c.spec, 'namespace: batch\nresources: [workloads.yaml]\ngenerators: [wi-gen.yaml]\ntransformers: [wi-gen.yaml]\n');
      const viaPlugin = build(dir);
      assert.is(viaPlugin.code, 0, viaPlugin.stderr);
      assert.is(cli(['wi-gen.yaml', '-o', 'out', '--quiet'], { cwd: dir }).code, 0);
      writeFileSync(join(dir, 'kustomization.yaml'), 'namespace: batch\nresources: [workloads.yaml, out/manifests]\ncomponents: [out/kustomize/namespaces/batch]\n');
      const viaComponent = run('kubectl', ['kustomize', dir]);
      assert.is(viaComponent.code, 0, viaComponent.stderr);
      const sorted = (t: string) => (yamlDocs(t) as Obj[]).sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
      assert.equal(sorted(viaComponent.stdout), sorted(viaPlugin.stdout));
      assertBound(sorted(viaComponent.stdout), c, 'batch');
    });
  }

  kustomize('a workload bound by hand to another ServiceAccount fails the build with its path', () => {
    const dir = kustomizeProject(CASES[0]!.spec);
    writeFileSync(join(dir, 'workloads.yaml'), WORKLOADS.replace('      restartPolicy: Never\n', '      restartPolicy: Never\n      serviceAccountName: legacy\n'));
    const r = build(dir);
    assert.is.not(r.code, 0);
    assert.is(r.stdout, '');
    assert.match(r.stderr, 'Job batch/backfill: spec.template.spec.serviceAccountName is legacy, set by hand, but the spec binds it to ServiceAccount batch/app');
  });

  kustomize('a bound workload missing from the kustomization is reported (and fails: kubectl hides plugin stderr on success), unless annotated', () => {
    const dir = kustomizeProject(CASES[0]!.spec);
    writeFileSync(join(dir, 'workloads.yaml'), WORKLOADS.split('\n---\n').filter((d) => !d.includes('kind: DaemonSet')).join('\n---\n'));
    const r = build(dir);
    assert.is.not(r.code, 0);
    assert.match(r.stderr, 'DaemonSet batch/agent is bound to ServiceAccount batch/app but is not among the resources');
    writeFileSync(join(dir, 'wi-gen.yaml'), CASES[0]!.spec.replace('  annotations:\n', '  annotations:\n    wi-gen.dev/missing-workloads: ignore\n'));
    const ignored = build(dir);
    assert.is(ignored.code, 0, ignored.stderr);
    assert.is((yamlDocs(ignored.stdout) as Obj[]).find((o) => o.metadata.name === 'api')?.spec.template.spec.serviceAccountName, 'app');
  });
}
kustomize.run();

// ------------------------------------------------------------------------------------- kpt

const kpt = suite('kpt fn render: the function patches the package workloads');

function kptPackage(spec: string): string {
  const pkg = join(projectWithWiGen('wi-gen-bind-kpt-'), 'pkg');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'Kptfile'), snippet('kptfile'));
  writeFileSync(join(pkg, 'wi-gen.yaml'), spec);
  writeFileSync(join(pkg, 'workloads.yaml'), WORKLOADS);
  return pkg;
}
const render = (pkg: string) => run('kpt', ['fn', 'render', '--allow-exec', '--truncate-output=false'], { cwd: pkg, env: quietEnv() });

if (!hasTool('kpt')) {
  kpt.skip('kpt is not installed', () => {});
} else {
  for (const c of CASES) {
    kpt(`${c.method}: every workload kind patched in its file, comments kept; the second render changes nothing`, () => {
      const pkg = kptPackage(c.spec);
      const first = render(pkg);
      assert.is(first.code, 0, first.stderr);
      for (const id of KINDS) assert.match(first.stderr, `${id.replace('/', ' batch/')}: put on ServiceAccount batch/app`);
      const after = readTree(pkg);
      const workloads = after.get('workloads.yaml') as string;
      assert.ok(workloads.startsWith("# the user's own workloads\n"), 'head comment kept');
      assert.match(workloads, 'name: api # the API');
      assert.match(workloads, 'name: unbound # not in the spec: left alone');
      const objs = [...after].filter(([p]) => p.endsWith('.yaml')).flatMap(([, t]) => yamlDocs(t) as Obj[]);
      assertBound(objs, c, undefined);
      const second = render(pkg);
      assert.is(second.code, 0, second.stderr);
      for (const id of KINDS) assert.match(second.stderr, `${id.replace('/', ' batch/')}: already on ServiceAccount batch/app`);
      assert.equal(readTree(pkg), after, 'the second render changes nothing');
    });
  }

  kpt('a workload bound by hand to another ServiceAccount: an error result with the field path, nothing written', () => {
    const pkg = kptPackage(CASES[1]!.spec);
    writeFileSync(join(pkg, 'workloads.yaml'), WORKLOADS.replace('          restartPolicy: OnFailure\n', '          restartPolicy: OnFailure\n          serviceAccountName: legacy\n'));
    const before = readTree(pkg);
    const r = render(pkg);
    assert.is.not(r.code, 0);
    assert.match(r.stderr, /\[error\] batch\/v1\/CronJob\/nightly spec\.jobTemplate\.spec\.template\.spec\.serviceAccountName: .*CronJob batch\/nightly: spec\.jobTemplate\.spec\.template\.spec\.serviceAccountName is legacy, set by hand/);
    assert.equal(readTree(pkg), before, 'nothing written');
  });
}
kpt.run();

// ------------------------------------------------------------------------------------- wire format

const fn = suite('wi-gen fn: workload results');

fn('one result per workload: patched, already correct, not found (warning at the spec path), conflict (error at the field)', () => {
  const spec = CASES[0]!.spec.replace(WORKLOADS_REF, '[{kind: Deployment, name: api}, {kind: Deployment, name: done}, {kind: Job, name: gone}, {kind: CronJob, name: nightly}]');
  const items = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: batch}\nspec: {template: {spec: {containers: []}}}',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: done, namespace: batch}\nspec: {template: {spec: {serviceAccountName: app, nodeSelector: {iam.gke.io/gke-metadata-server-enabled: "true"}}}}',
    'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\n  namespace: batch\n  annotations: {config.kubernetes.io/path: cron.yaml}\nspec: {jobTemplate: {spec: {template: {spec: {serviceAccountName: other}}}}}',
  ];
  const input = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items.map((i) => `- ${i.replace(/\n/g, '\n  ')}\n`).join('')}functionConfig:\n${spec.replace(/^/gm, '  ').trimEnd()}\n`;
  const r = cli(['fn'], { input });
  assert.is(r.code, 2, 'a conflict fails the function');
  const results = (parse(r.stdout) as Obj).results as Obj[];
  const byName = (n: string) => results.find((x) => String(x.message).includes(`/${n}`)) as Obj;
  assert.equal(byName('api'), { message: 'wi-gen: Deployment batch/api: put on ServiceAccount batch/app', severity: 'info', resourceRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'batch' } });
  assert.is(byName('done').severity, 'info');
  assert.match(byName('done').message, 'already on ServiceAccount batch/app');
  assert.equal(byName('gone').severity, 'warning');
  assert.equal(byName('gone').field, { path: 'bindings[0].workloads[2]' });
  assert.equal(byName('nightly').severity, 'error');
  assert.equal(byName('nightly').field, { path: 'spec.jobTemplate.spec.template.spec.serviceAccountName' });
  assert.equal(byName('nightly').file, { path: 'cron.yaml' });
  assert.match(r.stderr, 'warning: wi-gen: Job batch/gone is bound');
});

fn('a second pass over the function output changes nothing', () => {
  const spec = CASES[1]!.spec;
  const input = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${WORKLOADS.split('\n---\n').map((d) => `- ${d.trim().replace(/\n/g, '\n  ')}\n`).join('')}functionConfig:\n${spec.replace(/^/gm, '  ').trimEnd()}\n`;
  const once = cli(['fn'], { input });
  assert.is(once.code, 0, once.stderr);
  const twice = cli(['fn'], { input: once.stdout.replace(/\nresults:[\s\S]*$/, '\n') });
  assert.is(twice.code, 0, twice.stderr);
  const items = (t: string) => t.slice(0, t.indexOf('\nresults:'));
  assert.is(items(twice.stdout), items(once.stdout));
});
fn.run();
