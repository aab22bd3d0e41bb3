// The CLI writes Kubernetes objects without cdk8s (src/k8s/kube-object.ts): every object of every
// matrix spec must be, key order included, what cdk8s' ApiObject synthesizes from the same props
// in a chart labelled like wi-gen's, and every manifests/ file the same list cdk8s would give.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiObject, App, Chart } from 'cdk8s';
import { loadSpec } from '../src/spec/load.js';
import { kubeObject } from '../src/k8s/kube-object.js';
import { boundServiceAccount } from '../src/k8s/service-account.js';
import { acmeDns01Issuer } from '../src/k8s/acme-issuer.js';
import { synthesizeManifests } from '../src/k8s/manifests.js';
import { MANAGED_BY_LABELS, mergeMaps } from '../src/k8s/labels.js';
import type { KubeObjectProps } from '../src/model/method.js';
import type { Model } from '../src/model/model.js';
import { specMatrix } from './support/spec-matrix.js';

/** cdk8s' synthesis of props, one chart per list (as wi-gen synthesized them before). */
function viaCdk8s(props: readonly KubeObjectProps[], labels: Record<string, string> = { ...MANAGED_BY_LABELS }): unknown[] {
  const chart = new Chart(new App(), 'file', { labels, disableResourceNameHashes: true });
  props.forEach((p, i) => new ApiObject(chart, `o${i}`, p as ConstructorParameters<typeof ApiObject>[2]));
  return chart.toJson();
}

/** Every object's props of a model, per manifests/ file, in wi-gen's order, as the methods write them. */
function propsByFile(model: Model): Map<string, KubeObjectProps[]> {
  const byFile = new Map<string, KubeObjectProps[]>();
  const list = (file: string) => byFile.get(file) ?? (byFile.set(file, []).get(file) as KubeObjectProps[]);
  const ctx = { model };
  for (const b of model.bindings.filter((x) => x.create)) {
    const meta = b.identity.method.serviceAccountMetadata(b, ctx);
    const annotations = mergeMaps(meta.annotations);
    const labels = mergeMaps(meta.labels);
    list('service-accounts.yaml').push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: b.name, namespace: b.namespace, ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) },
      automountServiceAccountToken: b.automountToken,
    });
  }
  for (const identity of model.identities) {
    const method = identity.method;
    method.objects?.(identity, { add: (_id, p) => list(`${method.manifestFile ?? method.key}.yaml`).push(p) }, ctx);
  }
  for (const issuer of model.certManager?.issuers ?? []) list('issuers.yaml').push(acmeDns01Issuer(issuer, issuer.identity.method.dns01Solver?.(issuer, ctx) ?? {}));
  return byFile;
}

const loaded = specMatrix().map((s) => {
  const r = loadSpec(s.text, { file: `${s.name}.yaml` });
  if (!r.ok) throw new Error(`${s.name} does not load`);
  return { name: s.name, model: r.model };
});

test('every manifests/ file of every matrix spec: the objects cdk8s would synthesize, byte for byte', () => {
  const kinds = new Set<string>();
  let count = 0;
  for (const { name, model } of loaded) {
    const ours = new Map(synthesizeManifests(model).map((f) => [f.file, f.objects]));
    const theirs = propsByFile(model);
    assert.equal([...ours.keys()].sort(), [...theirs.keys()].sort(), `${name}: the same files`);
    for (const [file, props] of theirs) {
      assert.is(JSON.stringify(ours.get(file)), JSON.stringify(viaCdk8s(props)), `${name}: ${file}`);
      for (const p of props) kinds.add(p.kind);
      count += props.length;
    }
  }
  // ServiceAccounts, issuers of both kinds, AAD Pod Identity, VSO objects, dedicated-SA RBAC.
  for (const kind of ['ServiceAccount', 'ClusterIssuer', 'Issuer', 'AzureIdentity', 'AzureIdentityBinding', 'VaultConnection', 'VaultAuth', 'VaultDynamicSecret', 'Role', 'RoleBinding']) {
    assert.ok(kinds.has(kind), `no ${kind} in the matrix`);
  }
  assert.ok(count >= 50, `only ${count} objects compared`);
});

test("kubeObject follows cdk8s on the edges: empty metadata maps, nulls, the chart's labels under the object's", () => {
  const cases: KubeObjectProps[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: {}, finalizers: [], labels: { 'app.kubernetes.io/managed-by': 'me', z: '1' } }, data: {}, list: [], gone: null, nested: { b: 2, a: { d: undefined, c: [] } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'n', generateName: 'x-', extra: { empty: {} } }, binaryData: { k: 'v' }, immutable: false },
    { kind: 'Secretless', apiVersion: 'example.dev/v1', metadata: { name: 'c', labels: {} }, zeta: 0, alpha: '' },
  ];
  for (const p of cases) assert.is(JSON.stringify(kubeObject(p)), JSON.stringify(viaCdk8s([p])[0]), p.kind);
});

test('the comparison sees a difference: a label the plain object lacks', () => {
  const { model } = loaded.find((l) => l.model.bindings.some((b) => b.create)) as { model: Model };
  const b = model.bindings.filter((x) => x.create)[0] as Model['bindings'][number];
  const [props] = propsByFile(model).get('service-accounts.yaml') as KubeObjectProps[];
  assert.is(JSON.stringify(boundServiceAccount(b, { model })), JSON.stringify(viaCdk8s([props as KubeObjectProps])[0]));
  assert.is.not(JSON.stringify(boundServiceAccount(b, { model })), JSON.stringify(viaCdk8s([props as KubeObjectProps], { ...MANAGED_BY_LABELS, planted: 'x' })[0]));
});

test.run();
