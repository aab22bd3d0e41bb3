// The library entry (src/lib/) and the cdk8s constructs (src/cdk8s/) against the CLI: the same spec
// gives the same objects, and a cdk8s-plus workload bound in code gets the pod-template fields of
// the kustomize patch the CLI writes for it. The published form (tarball, types) is test/package.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, App, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { formatProblem, loadSpec, render, type Model } from '../src/lib/index.js';
import { WorkloadIdentity, WorkloadIdentityError, bind, type BindableWorkload } from '../src/cdk8s/index.js';
import { examplesDir, readTree, yamlDocs, wiGen } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';

type Obj = Record<string, any>;
const specText = (example: string) => readFileSync(join(examplesDir, example, 'spec.yaml'), 'utf8');

function loaded(example: string): Model {
  const r = loadSpec(specText(example), { file: 'spec.yaml' });
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.model;
}

test('loadSpec: problems are positioned values, never an exit or an exception', () => {
  const r = loadSpec('apiVersion: wi-gen.dev/v1alpha1\nkind: WorkloadIdentitySpec\ncluster: {}\nidentities: []\n', { file: 'bad.yaml' });
  assert.is(r.ok, false);
  if (r.ok) return;
  assert.ok(r.problems.length > 0);
  for (const p of r.problems) assert.match(formatProblem(p), /^bad\.yaml:\d+:\d+: /);
  assert.is(loadSpec(new Uint8Array([0xff, 0xfe, 0x41]), { file: 'utf16.yaml' }).ok, false);
  assert.throws(() => render({} as Model), /model returned by loadSpec/);
});

test('render: the files of `wi-gen SPEC -o DIR` and the stream of `wi-gen SPEC`, byte for byte', () => {
  const example = 'aks-workload-identity';
  const out = tmpDir('wi-gen-library-');
  const spec = join(examplesDir, example, 'spec.yaml');
  assert.is(wiGen([spec, '-o', out]).code, 0);
  const printed = wiGen([spec]);
  assert.is(printed.code, 0, printed.stderr);
  const rendered = render(loaded(example));
  assert.is(rendered.stream, printed.stdout);
  assert.equal(rendered.objects, yamlDocs(printed.stdout));
  const tree = readTree(out);
  tree.delete('.wi-gen-manifest');
  assert.equal(new Map(rendered.files.map((f) => [f.path, f.content])), tree);
});

test('model: each binding with its pod template, as the kustomize patches have it', () => {
  const model = loaded('gke-multi-workload-migration');
  const sync = model.bindings.find((b) => b.serviceAccountName === 'catalog-sync');
  assert.ok(sync);
  assert.equal(sync.pod.nodeSelector, { 'iam.gke.io/gke-metadata-server-enabled': 'true' });
  assert.is(sync.create, false);
  assert.equal(sync.workloads.map((w) => w.kind), ['CronJob', 'Job']);
  assert.ok(Object.isFrozen(sync.pod));
});

/** A cdk8s-plus-27 workload of each kind, named as in the spec. */
function workload(chart: Chart, kind: string, name: string): BindableWorkload {
  const containers = [{ image: 'registry.example/app:1.0.0', portNumber: 8080 }];
  const metadata = { name };
  switch (kind) {
    case 'Deployment':
      return new kplus.Deployment(chart, name, { metadata, containers });
    case 'StatefulSet':
      return new kplus.StatefulSet(chart, name, { metadata, containers, service: new kplus.Service(chart, `${name}-svc`, { ports: [{ port: 8080 }] }) });
    case 'DaemonSet':
      return new kplus.DaemonSet(chart, name, { metadata, containers });
    case 'Job':
      return new kplus.Job(chart, name, { metadata, containers });
    case 'CronJob':
      return new kplus.CronJob(chart, name, { metadata, containers, schedule: Cron.daily() });
    default:
      throw new Error(kind);
  }
}

/** Every key of `patch` is in `object` with the same value (a strategic merge that changes nothing). */
function contains(object: unknown, patch: unknown, at = ''): void {
  if (patch !== null && typeof patch === 'object' && !Array.isArray(patch)) {
    for (const [k, v] of Object.entries(patch)) contains((object as Obj | undefined)?.[k], v, `${at}.${k}`);
  } else {
    assert.equal(object, patch, `${at}: ${JSON.stringify(object)} is not ${JSON.stringify(patch)}`);
  }
}

test('cdk8s: the chart holds the objects the CLI prints; bound workloads carry the CLI patches', () => {
  const example = 'gke-multi-workload-migration';
  const out = tmpDir('wi-gen-cdk8s-');
  const spec = join(examplesDir, example, 'spec.yaml');
  assert.is(wiGen([spec, '-o', out]).code, 0);
  const printed = wiGen([spec]);

  const app = new App();
  const identity = new WorkloadIdentity(app, 'workload-identity', { spec: specText(example) });
  const bound: [BindableWorkload, string, string][] = [];
  for (const b of identity.model.bindings) {
    const chart = new Chart(app, `ns-${b.namespace}-${b.serviceAccountName}`, { namespace: b.namespace });
    for (const w of b.workloads) {
      const wl = workload(chart, w.kind, w.name);
      identity.bind(wl, b.namespace, b.serviceAccountName);
      bound.push([wl, w.kind, w.name]);
    }
  }
  // A DaemonSet (the spec lists none) through the free function, against the Deployment's patch.
  const web = identity.binding('shop', 'web');
  const daemon = workload(new Chart(app, 'daemons', { namespace: 'shop' }), 'DaemonSet', 'node-agent');
  bind(daemon, web);

  assert.equal(identity.toJson(), yamlDocs(printed.stdout));
  const tree = readTree(out);
  // What the namespace Component does to one workload: its JSON 6902 serviceAccountName, plus the
  // kind's pod-metadata strategic-merge patch when the target names it.
  const patchOf = (ns: string, kind: string, name: string): Obj => {
    const component = yamlDocs(tree.get(`kustomize/namespaces/${ns}/kustomization.yaml`) as string)[0] as Obj;
    const targets = (component.patches as Obj[]).filter((p) => p.target.kind === kind && new RegExp(`^(${p.target.name})$`).test(name));
    const expected: Obj = {};
    for (const p of targets) {
      if (p.patch) {
        for (const op of JSON.parse(p.patch) as { path: string; value: unknown }[]) {
          const keys = op.path.split('/').slice(1);
          let at = expected;
          for (const k of keys.slice(0, -1)) at = at[k] ??= {};
          at[keys[keys.length - 1] as string] = op.value;
        }
      } else {
        const doc = yamlDocs(tree.get(`kustomize/namespaces/${ns}/${p.path}`) as string)[0] as Obj;
        const merge = (into: Obj, from: Obj) => {
          for (const [k, v] of Object.entries(from)) {
            if (v && typeof v === 'object' && !Array.isArray(v)) merge((into[k] ??= {}), v as Obj);
            else into[k] = v;
          }
        };
        merge(expected, { spec: doc.spec });
      }
    }
    return expected;
  };
  assert.is(bound.length, 5);
  for (const [wl, kind, name] of bound) {
    const ns = identity.model.bindings.find((b) => b.workloads.some((w) => w.name === name))?.namespace as string;
    const json = ApiObject.of(wl).toJson() as Obj;
    assert.is(json.kind, kind);
    contains(json.spec, patchOf(ns, kind, name).spec, `${kind}/${name}`);
  }
  const daemonJson = ApiObject.of(daemon).toJson() as Obj;
  contains(daemonJson.spec.template, patchOf('shop', 'Deployment', 'web').spec.template, 'DaemonSet/node-agent');
  // The patches are not trivially contained: an unbound workload lacks them.
  const unbound = workload(new Chart(app, 'unbound', { namespace: 'shop' }), 'Deployment', 'web');
  const unboundJson = ApiObject.of(unbound).toJson() as Obj;
  let lacks = false;
  try {
    contains(unboundJson.spec, patchOf('shop', 'Deployment', 'web').spec);
  } catch {
    lacks = true;
  }
  assert.ok(lacks, 'an unbound Deployment already has the patch fields');
});

test('cdk8s: a bad spec, an unknown binding and a namespace mismatch are WorkloadIdentityErrors', () => {
  const app = new App();
  try {
    new WorkloadIdentity(app, 'bad', { spec: 'kind: nope\n', file: 'bad.yaml' });
    assert.unreachable('a bad spec was accepted');
  } catch (error) {
    assert.instance(error, WorkloadIdentityError);
    assert.ok((error as WorkloadIdentityError).problems.length > 0);
    assert.match((error as Error).message, /bad\.yaml:1:\d+: /);
  }
  const identity = new WorkloadIdentity(app, 'wi', { spec: loaded('aks-workload-identity') });
  assert.throws(() => identity.binding('billing', 'nobody'), (e: unknown) => e instanceof WorkloadIdentityError && /binds: billing\/invoice-reader/.test((e as Error).message));
  const elsewhere = workload(new Chart(app, 'other', { namespace: 'other' }), 'Deployment', 'invoice-api');
  assert.throws(() => identity.bind(elsewhere, 'billing', 'invoice-reader'), /in namespace other/);
});

test.run();
