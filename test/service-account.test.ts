// The bound ServiceAccounts are built as plain objects, not through cdk8s (src/k8s/service-account.ts):
// for every binding of every matrix spec, the plain object must be, key order included, what
// cdk8s' ApiObject synthesizes from the same props in a chart labelled like wi-gen's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiObject, App, Chart } from 'cdk8s';
import { loadSpec } from '../src/spec/load.js';
import { boundServiceAccount } from '../src/k8s/service-account.js';
import { MANAGED_BY_LABELS, mergeMaps } from '../src/k8s/labels.js';
import type { Model, ServiceAccountBinding } from '../src/model/model.js';
import { specMatrix } from './support/spec-matrix.js';

/** What wi-gen synthesized with cdk8s before: the method's metadata as ApiObject props. */
function viaCdk8s(bindings: readonly ServiceAccountBinding[], model: Model, extraLabels?: Record<string, string>): unknown[] {
  const chart = new Chart(new App(), 'service-accounts', { labels: { ...MANAGED_BY_LABELS }, disableResourceNameHashes: true });
  bindings.forEach((b, i) => {
    const meta = b.identity.method.serviceAccountMetadata(b, { model });
    const annotations = mergeMaps(meta.annotations);
    const labels = mergeMaps(meta.labels, extraLabels);
    new ApiObject(chart, `sa-${i}`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: b.name, namespace: b.namespace, ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) },
      automountServiceAccountToken: b.automountToken,
    } as ConstructorParameters<typeof ApiObject>[2]);
  });
  return chart.toJson();
}

const loaded = specMatrix().map((s) => {
  const r = loadSpec(s.text, { file: `${s.name}.yaml` });
  if (!r.ok) throw new Error(`${s.name} does not load`);
  return { name: s.name, model: r.model };
});

test('every matrix binding: the plain ServiceAccount is what cdk8s synthesizes, byte for byte', () => {
  let count = 0;
  for (const { name, model } of loaded) {
    const created = model.bindings.filter((b) => b.create);
    const plain = created.map((b) => boundServiceAccount(b, { model }));
    assert.is(JSON.stringify(plain), JSON.stringify(viaCdk8s(created, model)), name);
    count += created.length;
  }
  assert.ok(count >= 15, `only ${count} bindings compared`);
});

test('the comparison sees a difference: a label the plain object lacks', () => {
  const { model } = loaded.find((l) => l.model.bindings.some((b) => b.create)) as { model: Model };
  const created = model.bindings.filter((b) => b.create).slice(0, 1);
  const plain = created.map((b) => boundServiceAccount(b, { model }));
  assert.is.not(JSON.stringify(plain), JSON.stringify(viaCdk8s(created, model, { 'planted.example/extra': 'x' })));
});

test.run();
