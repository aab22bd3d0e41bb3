// src/k8s/workload-patch.ts, one transformation at a time: literal YAML in, literal YAML out
// (comments, key order and flow style of everything else kept), then the binding matcher.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDocument, type Document, type YAMLMap } from 'yaml';
import { describeWorkloadResult, mergeStringMap, patchBoundWorkloads, patchWorkload, setServiceAccountName } from '../src/k8s/workload-patch.js';
import { loadSpec } from '../src/spec/load.js';
import type { Model, WorkloadKind } from '../src/model/model.js';

const node = (text: string): { doc: Document; item: YAMLMap } => {
  const doc = parseDocument(text);
  return { doc, item: doc.contents as YAMLMap };
};
const out = (doc: Document) => doc.toString({ lineWidth: 0 });

// ------------------------------------------------------------------------------------- units

const units = suite('workload-patch: one transformation per unit');

const saCases: { name: string; in: string; want: string; outcome: unknown }[] = [
  {
    name: 'added at the end of the pod spec; comments and order of the rest kept',
    in: 'kind: Deployment # mine\nspec:\n  template:\n    spec:\n      containers: [{name: a}] # keep\n',
    want: 'kind: Deployment # mine\nspec:\n  template:\n    spec:\n      containers: [ { name: a } ] # keep\n      serviceAccountName: web\n',
    outcome: { changed: true },
  },
  {
    name: 'already there: nothing written',
    in: 'spec:\n  template:\n    spec:\n      serviceAccountName: web # by hand\n',
    want: 'spec:\n  template:\n    spec:\n      serviceAccountName: web # by hand\n',
    outcome: { changed: false },
  },
  {
    name: 'another account by hand: a conflict with its path, nothing written',
    in: 'spec:\n  template:\n    spec:\n      serviceAccountName: legacy\n',
    want: 'spec:\n  template:\n    spec:\n      serviceAccountName: legacy\n',
    outcome: { conflict: 'spec.template.spec.serviceAccountName', found: 'legacy' },
  },
  {
    name: 'the deprecated serviceAccount alias naming another account is a conflict too',
    in: 'spec:\n  template:\n    spec:\n      serviceAccount: legacy\n',
    want: 'spec:\n  template:\n    spec:\n      serviceAccount: legacy\n',
    outcome: { conflict: 'spec.template.spec.serviceAccount', found: 'legacy' },
  },
  {
    name: 'no pod spec at all: created in block style',
    in: 'kind: Deployment\nspec: {}\n',
    want: 'kind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n',
    outcome: { changed: true },
  },
];
for (const c of saCases) {
  units(`setServiceAccountName: ${c.name}`, () => {
    const { doc, item } = node(c.in);
    assert.equal(setServiceAccountName(doc, item, ['spec', 'template', 'spec'], 'web'), c.outcome);
    assert.fixture(out(doc), c.want);
  });
}

const mapCases: { name: string; in: string; entries: Record<string, string> | undefined; want: string; changed: boolean }[] = [
  {
    name: 'into an existing flow map, keeping its style',
    in: 'metadata:\n  labels: {app: web}\n',
    entries: { 'azure.workload.identity/use': 'true' },
    want: 'metadata:\n  labels: { app: web, azure.workload.identity/use: "true" }\n',
    changed: true,
  },
  {
    name: 'a missing map is created; "true" stays a string',
    in: 'metadata:\n  name: x\n',
    entries: { 'azure.workload.identity/use': 'true' },
    want: 'metadata:\n  name: x\n  labels:\n    azure.workload.identity/use: "true"\n',
    changed: true,
  },
  {
    name: 'a wrong value is overwritten in place',
    in: 'metadata:\n  labels:\n    azure.workload.identity/use: "false" # was off\n    app: web\n',
    entries: { 'azure.workload.identity/use': 'true' },
    want: 'metadata:\n  labels:\n    azure.workload.identity/use: "true" # was off\n    app: web\n',
    changed: true,
  },
  { name: 'already there: unchanged', in: 'metadata:\n  labels:\n    k: "true"\n', entries: { k: 'true' }, want: 'metadata:\n  labels:\n    k: "true"\n', changed: false },
  { name: 'nothing to merge: no empty map written', in: 'metadata: {}\n', entries: undefined, want: 'metadata: {}\n', changed: false },
];
for (const c of mapCases) {
  units(`mergeStringMap: ${c.name}`, () => {
    const { doc, item } = node(c.in);
    assert.equal(mergeStringMap(doc, item, ['metadata', 'labels'], c.entries), { changed: c.changed });
    assert.fixture(out(doc), c.want);
  });
}

const CRON = `# nightly
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly # the name
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
`;
const workloadCases: { name: string; kind: WorkloadKind; in: string; pod: Record<string, Record<string, string>>; want: string; status: string }[] = [
  {
    name: 'CronJob: at the Job template path, labels and nodeSelector included',
    kind: 'CronJob',
    in: CRON,
    pod: { labels: { 'azure.workload.identity/use': 'true' }, nodeSelector: { 'iam.gke.io/gke-metadata-server-enabled': 'true' } },
    want: CRON.replace(
      '        spec:\n          containers:\n            - name: report\n',
      '        spec:\n          containers:\n            - name: report\n          serviceAccountName: web\n          nodeSelector:\n            iam.gke.io/gke-metadata-server-enabled: "true"\n        metadata:\n          labels:\n            azure.workload.identity/use: "true"\n',
    ),
    status: 'patched',
  },
  {
    name: 'Deployment already correct: byte for byte the same',
    kind: 'Deployment',
    in: 'kind: Deployment\nspec:\n  template:\n    metadata:\n      labels: {app: w, azure.workload.identity/use: "true"}\n    spec:\n      serviceAccountName: web\n',
    pod: { labels: { 'azure.workload.identity/use': 'true' } },
    want: 'kind: Deployment\nspec:\n  template:\n    metadata:\n      labels: { app: w, azure.workload.identity/use: "true" }\n    spec:\n      serviceAccountName: web\n',
    status: 'already-correct',
  },
  {
    name: 'a conflict changes nothing, labels included',
    kind: 'Job',
    in: 'kind: Job\nspec:\n  template:\n    spec:\n      serviceAccountName: other\n',
    pod: { labels: { x: 'y' } },
    want: 'kind: Job\nspec:\n  template:\n    spec:\n      serviceAccountName: other\n',
    status: 'conflict',
  },
];
for (const c of workloadCases) {
  units(`patchWorkload: ${c.name}`, () => {
    const { doc, item } = node(c.in);
    const first = patchWorkload(doc, item, c.kind, 'web', c.pod);
    assert.is(first.status, c.status);
    const once = out(doc);
    assert.fixture(once, c.want);
    // Twice changes nothing.
    const again = node(once);
    const second = patchWorkload(again.doc, again.item, c.kind, 'web', c.pod);
    assert.is(second.status, c.status === 'patched' ? 'already-correct' : c.status);
    assert.is(out(again.doc), once);
  });
}
units.run();

// ------------------------------------------------------------------------------------- matching

const matching = suite('workload-patch: bindings matched to items');

function model(spec: string): Model {
  const loaded = loadSpec(spec, { file: 'spec.yaml' });
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  return loaded.model;
}

const AKS = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: aks-prod-weu
  aks:
    oidcIssuerURL: https://westeurope.oic.prod-aks.azure.com/8d3f6a2e-1c4b-4e7a-9f10-2b6c5d4e3f21/5b0e7c9a-3d2f-4a18-b6e4-9c1f0a2d7e58/
    tenantID: 8d3f6a2e-1c4b-4e7a-9f10-2b6c5d4e3f21
    subscriptionID: 4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69
    resourceGroup: rg-aks-prod
identities:
  - name: app
    azureWorkloadIdentity:
      name: id-app
      resourceGroup: rg-identities
      clientID: 0c7b9e21-5d4a-4f3e-a1b2-c3d4e5f60718
bindings:
  - identity: app
    serviceAccount: {namespace: shop, name: web}
    workloads: [{kind: Deployment, name: web}, {kind: StatefulSet, name: db}, {kind: Job, name: gone}]
`;

const items = (text: string) =>
  text.split('\n---\n').map((t) => {
    const doc = parseDocument(t);
    return { doc, node: doc.contents as YAMLMap };
  });

matching('namespace, kind and name; other namespaces untouched; missing reported; a bare item taken as the binding namespace', () => {
  const m = model(AKS);
  const list = items(
    [
      'kind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {template: {spec: {containers: []}}}',
      'kind: Deployment\nmetadata: {name: web, namespace: other}\nspec: {template: {spec: {containers: []}}}',
      'kind: StatefulSet\nmetadata: {name: db}\nspec:\n  template:\n    spec:\n      serviceAccountName: legacy',
    ].join('\n---\n'),
  );
  const results = patchBoundWorkloads(m, list);
  assert.equal(
    results.map((r) => [r.kind, r.name, r.outcome.status, r.assumedNamespace ?? false]),
    [
      ['Deployment', 'web', 'patched', false],
      ['StatefulSet', 'db', 'conflict', true],
      ['Job', 'gone', 'not-found', false],
    ],
  );
  assert.match(list[0]!.doc.toString(), 'serviceAccountName: web');
  assert.match(list[0]!.doc.toString(), 'azure.workload.identity/use: "true"');
  assert.not.match(list[1]!.doc.toString(), 'serviceAccountName', 'another namespace is not touched');
  assert.match(describeWorkloadResult(results[1]!), 'StatefulSet shop/db: spec.template.spec.serviceAccountName is legacy, set by hand');
  assert.match(describeWorkloadResult(results[2]!), 'Job shop/gone is bound to ServiceAccount shop/web but is not among the resources');
  assert.equal(results[2]!.specPath, ['bindings', 0, 'workloads', 2]);
});
matching.run();
