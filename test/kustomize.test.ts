// The generated kustomize Components, built by the real `kubectl kustomize` over fixture bases
// that carry the real release names: the result must carry the annotation, the nodeSelector,
// the pod-template labels and the appended args, and nothing in a selector.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { examplesDir, renderText, repoRoot, yamlDocs } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import { validateKubernetesObject } from './support/core-schemas.js';

const fixtures = join(repoRoot, 'test', 'fixtures');
const it = suite('kubectl kustomize over generated Components');

type Obj = Record<string, any>;

function build(resources: readonly string[], components: readonly string[]): Obj[] {
  const dir = tmpDir('wi-gen-kustomize-');
  const res = resources.map((r, i) => {
    cpSync(r, join(dir, `resource-${i}.yaml`));
    return `resource-${i}.yaml`;
  });
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${res.map((r) => `- ${r}`).join('\n')}\ncomponents:\n${components.map((c) => `- ${relative(dir, c)}`).join('\n')}\n`,
  );
  const r = run('kubectl', ['kustomize', dir]);
  assert.is(r.code, 0, r.stderr);
  return yamlDocs(r.stdout);
}

const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} not in output`);
  return o as Obj;
};

if (!hasTool('kubectl')) {
  it.skip('kubectl is not installed', () => {});
} else {
  it('gke-multi-workload-migration: cert-manager and workloads patched, selectors untouched', () => {
    const out = join(examplesDir, 'gke-multi-workload-migration', 'out', 'kustomize');
    const objs = build(
      [join(fixtures, 'cert-manager-static', 'cert-manager.yaml'), join(fixtures, 'shop', 'workloads.yaml')],
      [join(out, 'cert-manager'), join(out, 'namespaces', 'shop'), join(out, 'namespaces', 'shop-jobs')],
    );
    const sa = find(objs, 'ServiceAccount', 'cert-manager');
    assert.is(sa.metadata.annotations['iam.gke.io/gcp-service-account'], 'dns01-solver@shop-prod-1234.iam.gserviceaccount.com');
    assert.is(sa.metadata.labels['app.kubernetes.io/name'], 'cert-manager', 'existing labels kept');
    const cm = find(objs, 'Deployment', 'cert-manager');
    assert.equal(cm.spec.template.spec.nodeSelector, { 'kubernetes.io/os': 'linux', 'iam.gke.io/gke-metadata-server-enabled': 'true' });
    assert.is(cm.spec.template.spec.containers[0].args.length, 5, 'args untouched when none are needed');
    for (const [kind, name, ksa] of [
      ['Deployment', 'web', 'web'],
      ['Deployment', 'checkout', 'checkout'],
      ['StatefulSet', 'order-queue', 'checkout'],
      ['Job', 'catalog-backfill', 'catalog-sync'],
    ] as const) {
      const w = find(objs, kind, name);
      assert.is(w.spec.template.spec.serviceAccountName, ksa, `${kind}/${name}`);
      assert.is(w.spec.template.spec.nodeSelector['iam.gke.io/gke-metadata-server-enabled'], 'true');
      assert.ok(w.spec.template.spec.containers.length === 1, 'containers kept');
    }
    const cron = find(objs, 'CronJob', 'catalog-sync');
    assert.is(cron.spec.jobTemplate.spec.template.spec.serviceAccountName, 'catalog-sync');
    assert.is(cron.spec.jobTemplate.spec.template.spec.nodeSelector['iam.gke.io/gke-metadata-server-enabled'], 'true');
    assert.is(cron.spec.template, undefined, 'nothing written at the Deployment path of a CronJob');
    const existing = find(objs, 'ServiceAccount', 'catalog-sync');
    assert.is(existing.metadata.annotations['iam.gke.io/gcp-service-account'], 'storefront@shop-prod-1234.iam.gserviceaccount.com');
    for (const o of objs) assert.equal(validateKubernetesObject(o), [], `${o.kind}/${o.metadata.name}`);
  });

  it("namespace Components work under the user's own namespace: transformer, and touch no other namespace", () => {
    const dir = tmpDir('wi-gen-nsx-');
    writeFileSync(
      join(dir, 'workloads.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.example/web:1.0}]}
`,
    );
    const component = join(examplesDir, 'gke-multi-workload-migration', 'out', 'kustomize', 'namespaces', 'shop');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      `namespace: shop\nresources: [workloads.yaml]\ncomponents: [${relative(dir, component)}]\n`,
    );
    const r = run('kubectl', ['kustomize', dir]);
    assert.is(r.code, 0, r.stderr);
    const [web] = yamlDocs(r.stdout) as Obj[];
    assert.is(web?.metadata.namespace, 'shop');
    assert.is(web?.spec.template.spec.serviceAccountName, 'web');

    // An object that already names another namespace is left alone. (One with no namespace yet
    // cannot be told apart: the parent's namespace: transformer runs after the Component.)
    writeFileSync(join(dir, 'workloads.yaml'), readFileSync(join(dir, 'workloads.yaml'), 'utf8').replace('{name: web}', '{name: web, namespace: elsewhere}'));
    writeFileSync(join(dir, 'kustomization.yaml'), `resources: [workloads.yaml]\ncomponents: [${relative(dir, component)}]\n`);
    const other = run('kubectl', ['kustomize', dir]);
    assert.is(other.code, 0, other.stderr);
    assert.is((yamlDocs(other.stdout)[0] as Obj).spec.template.spec.serviceAccountName, undefined, 'a same-named workload elsewhere is left alone');
  });

  it('args are appended (not replaced) for Autopilot leader election and ambient namespaced Issuers', () => {
    const rendered = renderText(`apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster: {name: ap, gke: {project: acme-autopilot, autopilot: true}}
identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-autopilot.iam.gserviceaccount.com}
certManager:
  install: manifests
  identity: dns
  issuerAmbientCredentials: true
  issuers:
    - name: team-a
      kind: Issuer
      namespace: team-a
      acme: {server: letsencrypt-staging}
      dns01: {cloudDNS: {project: acme-autopilot}}
`);
    const dir = tmpDir('wi-gen-out-');
    for (const f of rendered.files) {
      mkdirSync(join(dir, f.path, '..'), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const objs = build([join(fixtures, 'cert-manager-static', 'cert-manager.yaml')], [join(dir, 'kustomize', 'cert-manager')]);
    const args = find(objs, 'Deployment', 'cert-manager').spec.template.spec.containers[0].args as string[];
    assert.equal(args.slice(0, 5), [
      '--v=2',
      '--cluster-resource-namespace=$(POD_NAMESPACE)',
      '--leader-election-namespace=kube-system',
      '--acme-http01-solver-image=quay.io/jetstack/cert-manager-acmesolver:v1.21.1',
      '--max-concurrent-challenges=60',
    ]);
    assert.equal(args.slice(5), ['--issuer-ambient-credentials=true', '--leader-election-namespace=cert-manager']);
    const injector = find(objs, 'Deployment', 'cert-manager-cainjector').spec.template.spec.containers[0].args as string[];
    assert.is(injector[injector.length - 1], '--leader-election-namespace=cert-manager');
    assert.is(find(objs, 'Deployment', 'cert-manager').spec.template.spec.nodeSelector['iam.gke.io/gke-metadata-server-enabled'], undefined, 'no metadata-server nodeSelector on Autopilot');
  });

  it('Autopilot: the generated Component alone moves the leader-election Roles and RoleBindings to cert-manager', () => {
    const rendered = renderText(`apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster: {name: ap, gke: {project: acme-autopilot, autopilot: true}}
identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-autopilot.iam.gserviceaccount.com}
certManager:
  install: manifests
  identity: dns
`);
    const dir = tmpDir('wi-gen-out-');
    for (const f of rendered.files) {
      mkdirSync(join(dir, f.path, '..'), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const staticManifest = [join(fixtures, 'cert-manager-static', 'cert-manager.yaml'), join(fixtures, 'cert-manager-static', 'leader-election.yaml')];
    const objs = build(staticManifest, [join(dir, 'kustomize', 'cert-manager')]);
    const rbac = objs.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
    assert.equal(rbac.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort(), [
      'Role/cert-manager/cert-manager-cainjector:leaderelection',
      'Role/cert-manager/cert-manager:leaderelection',
      'RoleBinding/cert-manager/cert-manager-cainjector:leaderelection',
      'RoleBinding/cert-manager/cert-manager:leaderelection',
    ]);
    assert.not.ok(objs.some((o) => o.metadata.namespace === 'kube-system'), 'nothing left in kube-system, which Autopilot refuses');
    for (const o of rbac) assert.equal(validateKubernetesObject(o), [], o.metadata.name);
    // Still builds together with the hand-written overlay that did the same before, and without
    // the Roles at all (a target that matches nothing is not an error).
    build(staticManifest, [join(dir, 'kustomize', 'cert-manager'), join(repoRoot, 'overlays', 'cert-manager-static')]);
    build([join(fixtures, 'cert-manager-static', 'cert-manager.yaml')], [join(dir, 'kustomize', 'cert-manager')]);
  });
}

it.run();
