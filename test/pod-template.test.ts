// The widened pod-template contract (volumes, env, projected ServiceAccount tokens) through every
// rendering, with a stand-in method: literal YAML out of the kustomize Components, the
// cert-manager Helm values and Component, the workload patcher (`wi-gen fn`, the transformer)
// and cdk8s `bind()`, plus the warning where a Component cannot reach the containers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, type YAMLMap } from 'yaml';
import { App, Chart, ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { azureWorkloadIdentity } from '../src/methods/azure-workload-identity.js';
import { serviceAccountTokenVolume, type PodTemplatePatch } from '../src/model/method.js';
import { loadSpec as loadInternal } from '../src/spec/load.js';
import { loadSpec } from '../src/lib/index.js';
import { bind } from '../src/cdk8s/index.js';
import { namespaceComponents, certManagerComponent } from '../src/emit/kustomize.js';
import { certManagerConfig } from '../src/emit/cert-manager.js';
import { helmValues } from '../src/emit/helm.js';
import { patchBoundWorkloads } from '../src/k8s/workload-patch.js';
import { toYaml } from '../src/format/yaml.js';
import type { Model } from '../src/model/model.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import { emptyFacts } from '../src/doctor/facts.js';
import { addDump } from '../src/doctor/dumps.js';
import { diagnose } from '../src/doctor/doctor.js';
import { render } from '../src/render.js';
import { validateHelmValues } from './support/upstream.js';

const it = suite('pod template: volumes, env and projected tokens');

/** What a Vault-Agent-like method would add: a projected token for its audience, a scratch volume, an address. */
const STAND_IN: PodTemplatePatch = {
  labels: { 'example.dev/use': 'true' },
  volumes: [
    serviceAccountTokenVolume('vault-token', '/var/run/secrets/vault', { audience: 'vault.example', path: 'token', expirationSeconds: 3600 }),
    { name: 'agent-cache', mountPath: '/var/cache/agent', source: { emptyDir: {} } },
  ],
  env: [{ name: 'VAULT_ADDR', value: 'https://vault.example:8200' }],
};

const SPEC = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: aks-prod
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
    workloads: [{kind: Deployment, name: web}]
certManager:
  install: helm
  identity: app
  issuers:
    - name: letsencrypt-staging
      acme: {server: letsencrypt-staging, email: ops@contoso.example}
      dns01:
        zones: [contoso.example]
        azureDNS: {subscriptionID: 4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69, resourceGroupName: rg-dns, hostedZoneName: contoso.example}
`;

/** Runs `body` with the stand-in answering for azureWorkloadIdentity's pod template, then puts the real one back. */
function withStandIn<T>(body: () => T): T {
  const real = azureWorkloadIdentity.podTemplate;
  azureWorkloadIdentity.podTemplate = () => STAND_IN;
  try {
    return body();
  } finally {
    azureWorkloadIdentity.podTemplate = real;
  }
}

function model(): { model: Model; warnings: string[] } {
  const loaded = loadInternal(SPEC, { file: 'spec.yaml' });
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  return { model: loaded.model, warnings: loaded.warnings.map((w) => `${w.line}:${w.col}: ${w.path}: ${w.message}`) };
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app # mine
          image: app:1
          env:
            - {name: LOG_LEVEL, value: debug}
            - name: VAULT_ADDR
              value: http://old:8200
        - name: proxy
          image: proxy:1
      volumes:
        - name: data
          emptyDir: {}
`;

const fileOf = (files: readonly { path: string; content: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  assert.ok(f, `${path} not among ${files.map((x) => x.path).join(', ')}`);
  return (f as { content: string }).content.split('\n').slice(1).join('\n');
};

const TOKEN_VOLUME = `- name: vault-token
  projected:
    sources:
      - serviceAccountToken:
          audience: vault.example
          expirationSeconds: 3600
          path: token
- emptyDir: {}
  name: agent-cache
`;
const MOUNTS = `- mountPath: /var/run/secrets/vault
  name: vault-token
  readOnly: true
- mountPath: /var/cache/agent
  name: agent-cache
`;
const indent = (text: string, n: number) => text.trimEnd().split('\n').map((l) => ' '.repeat(n) + l).join('\n') + '\n';
const certManager = (m: Model) => certManagerConfig(m) as NonNullable<ReturnType<typeof certManagerConfig>>;

/** Each rendering of the stand-in's pod template: the literal YAML it must write. */
const renderings: { name: string; render: (m: Model) => string; want: string }[] = [
  {
    name: 'namespace Component: pod volumes by strategic merge, no container entry',
    render: (m) => fileOf([...namespaceComponents(m)], 'kustomize/namespaces/shop/pod-metadata-deployment.yaml'),
    want:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pod-metadata\nspec:\n  template:\n    metadata:\n      labels:\n        example.dev/use: "true"\n    spec:\n      volumes:\n' +
      indent(TOKEN_VOLUME, 8),
  },
  {
    name: 'cert-manager Helm values: volumes, volumeMounts, extraEnv (keys of the chart schema)',
    render: (m) => {
      const values = helmValues(certManager(m));
      assert.equal(validateHelmValues(values), [], 'the chart schema accepts the whole values file');
      return toYaml({ extraEnv: values.extraEnv, volumeMounts: values.volumeMounts, volumes: values.volumes });
    },
    want: 'extraEnv:\n  - name: VAULT_ADDR\n    value: https://vault.example:8200\nvolumeMounts:\n' + indent(MOUNTS, 2) + 'volumes:\n' + indent(TOKEN_VOLUME, 2),
  },
  {
    name: 'cert-manager Component: the controller container by its known name',
    render: (m) => fileOf(certManagerComponent(m, certManager(m)), 'kustomize/cert-manager/deployment.yaml'),
    want:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cert-manager\n  namespace: cert-manager\nspec:\n  template:\n    metadata:\n      labels:\n        example.dev/use: "true"\n    spec:\n' +
      '      containers:\n        - env:\n            - name: VAULT_ADDR\n              value: https://vault.example:8200\n          name: cert-manager-controller\n          volumeMounts:\n' +
      indent(MOUNTS, 12) +
      '      volumes:\n' +
      indent(TOKEN_VOLUME, 8),
  },
];
for (const r of renderings) it(r.name, () => withStandIn(() => assert.fixture(r.render(model().model), r.want)));

const DEPLOYMENT_PATCHED = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers:
        - name: app # mine
          image: app:1
          env:
            - { name: LOG_LEVEL, value: debug }
            - name: VAULT_ADDR
              value: https://vault.example:8200
          volumeMounts:
${indent(MOUNTS, 12)}        - name: proxy
          image: proxy:1
          env:
            - name: VAULT_ADDR
              value: https://vault.example:8200
          volumeMounts:
${indent(MOUNTS, 12)}      volumes:
        - name: data
          emptyDir: {}
        - name: vault-token
          projected:
            sources:
              - serviceAccountToken:
                  audience: vault.example
                  expirationSeconds: 3600
                  path: token
        - name: agent-cache
          emptyDir: {}
      serviceAccountName: web
    metadata:
      labels:
        example.dev/use: "true"
`;

it("workload patch (fn, transformer): every container gets env and mounts, a stale value is replaced, the user's entries stay; twice changes nothing", () =>
  withStandIn(() => {
    const { model: m } = model();
    const doc = parseDocument(DEPLOYMENT);
    const first = patchBoundWorkloads(m, [{ doc, node: doc.contents as YAMLMap }]);
    assert.equal(first.map((r) => r.outcome), [{ status: 'patched' }]);
    const once = doc.toString({ lineWidth: 0 });
    assert.fixture(once, DEPLOYMENT_PATCHED);
    const again = parseDocument(once);
    const second = patchBoundWorkloads(m, [{ doc: again, node: again.contents as YAMLMap }]);
    assert.equal(second.map((r) => r.outcome), [{ status: 'already-correct' }]);
    assert.is(again.toString({ lineWidth: 0 }), once);
  }));

it('cdk8s bind(): the library view carries the volumes, mounts and env, and bind puts them in every container', () =>
  withStandIn(() => {
    const loaded = loadSpec(SPEC, { file: 'spec.yaml' });
    if (!loaded.ok) return assert.unreachable(loaded.problems.map((p) => p.message).join('\n'));
    const binding = loaded.model.bindings.find((b) => b.serviceAccountName === 'web');
    if (!binding) return assert.unreachable('no binding shop/web');
    const chart = new Chart(new App(), 'c');
    const d = new kplus.Deployment(chart, 'web', {
      containers: [
        { name: 'app', image: 'app:1' },
        { name: 'proxy', image: 'proxy:1', envVariables: { MODE: kplus.EnvValue.fromValue('edge') } },
      ],
    });
    bind(d, binding);
    const spec = ApiObject.of(d).toJson().spec.template.spec;
    const env = '- name: VAULT_ADDR\n  value: https://vault.example:8200\n';
    const containers = spec.containers.map((c: Record<string, unknown>) => ({ name: c.name, env: c.env, volumeMounts: c.volumeMounts }));
    assert.fixture(
      toYaml({ volumes: spec.volumes, containers }),
      'volumes:\n' +
        indent(TOKEN_VOLUME, 2) +
        'containers:\n  - name: app\n    env:\n' +
        indent(env, 6) +
        '    volumeMounts:\n' +
        indent(MOUNTS, 6) +
        '  - name: proxy\n    env:\n      - name: MODE\n        value: edge\n' +
        indent(env, 6) +
        '    volumeMounts:\n' +
        indent(MOUNTS, 6),
    );
    assert.is(spec.serviceAccountName, 'web');
  }));

it('warning at each workload whose Component cannot place env and mounts; none for a method that adds none', () => {
  const warning =
    "19:17: bindings[0].workloads[0]: azureWorkloadIdentity adds env and volume mounts to every container, which the kustomize Component cannot do without the containers' names (it sets the ServiceAccount, pod metadata and volumes only): patch Deployment web with `wi-gen fn`, the kustomize transformer (`wi-gen plugin`) or cdk8s `bind()`, which see its containers";
  assert.equal(withStandIn(() => model().warnings), [warning]);
  assert.equal(model().warnings, []);
});

if (!hasTool('kubectl')) {
  it.skip('kubectl kustomize: kubectl is not installed', () => {});
} else {
  it("kubectl kustomize: the Components merge the volumes beside the user's, and env into the named cert-manager container", () =>
    withStandIn(() => {
      const { model: m } = model();
      const dir = tmpDir('wi-gen-podtemplate-');
      for (const f of [...namespaceComponents(m), ...certManagerComponent(m, certManager(m))]) {
        mkdirSync(join(dir, f.path, '..'), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      const controller = `apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-manager, namespace: cert-manager}
spec:
  template:
    spec:
      containers:
        - name: cert-manager-controller
          image: quay.io/jetstack/cert-manager-controller:v1.21.1
          env: [{name: POD_NAMESPACE, value: cert-manager}]
`;
      const serviceAccount = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: cert-manager, namespace: cert-manager}\n';
      writeFileSync(join(dir, 'resources.yaml'), [DEPLOYMENT, controller, serviceAccount].join('---\n'));
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [resources.yaml]\ncomponents: [kustomize/namespaces/shop, kustomize/cert-manager]\n',
      );
      const r = run('kubectl', ['kustomize', dir]);
      assert.is(r.code, 0, r.stderr);
      type Obj = Record<string, any>;
      const objects = r.stdout.split(/^---$/m).map((t) => parseDocument(t).toJSON() as Obj);
      const podSpec = (kind: string, name: string): Obj => objects.find((o) => o.kind === kind && o.metadata.name === name)?.spec.template.spec;
      const names = (list: readonly { name: string }[]) => list.map((x) => x.name);
      const web = podSpec('Deployment', 'web');
      // kustomize's strategic merge puts the patch's entries first.
      assert.equal(names(web.volumes), ['vault-token', 'agent-cache', 'data']);
      assert.equal(web.volumes[0].projected.sources[0].serviceAccountToken, { audience: 'vault.example', expirationSeconds: 3600, path: 'token' });
      assert.equal(names(web.containers), ['app', 'proxy'], 'no container added');
      assert.is(web.serviceAccountName, 'web');
      const controllerSpec = podSpec('Deployment', 'cert-manager');
      assert.equal(names(controllerSpec.containers), ['cert-manager-controller'], 'no container added');
      assert.equal(controllerSpec.containers[0].env, [
        { name: 'VAULT_ADDR', value: 'https://vault.example:8200' },
        { name: 'POD_NAMESPACE', value: 'cert-manager' },
      ]);
      assert.equal(names(controllerSpec.containers[0].volumeMounts), ['vault-token', 'agent-cache']);
      assert.equal(names(controllerSpec.volumes), ['vault-token', 'agent-cache']);
    }));
}

it('doctor: a live workload without the volumes, env or mounts the method adds is a broken link', () => {
  withStandIn(() => {
    const { model: m } = model();
    const deployment = (extra: { volumes?: unknown[]; env?: unknown[]; volumeMounts?: unknown[] }) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        template: {
          metadata: { labels: { 'example.dev/use': 'true' } },
          spec: {
            serviceAccountName: 'web',
            volumes: extra.volumes ?? [],
            containers: [{ name: 'app', image: 'x', env: extra.env ?? [], volumeMounts: extra.volumeMounts ?? [] }],
          },
        },
      },
    });
    const check = (d: Record<string, unknown>) => {
      const facts = emptyFacts();
      addDump(facts, [{ apiVersion: 'v1', kind: 'List', items: [d] } as never], 'dump');
      return diagnose(m, render(m), facts).chains.flatMap((c) => c.links).find((l) => l.id === 'workload:Deployment/shop/web');
    };
    const bare = check(deployment({}));
    assert.is(bare?.verdict, 'broken');
    assert.is(bare?.detail, 'volumes missing: vault-token, agent-cache; container app lacks env VAULT_ADDR=https://vault.example:8200, volumeMount vault-token, volumeMount agent-cache');
    const patched = check(deployment({
      volumes: [{ name: 'vault-token' }, { name: 'agent-cache' }],
      env: [{ name: 'VAULT_ADDR', value: 'https://vault.example:8200' }],
      volumeMounts: [{ name: 'vault-token', mountPath: '/var/run/secrets/vault' }, { name: 'agent-cache', mountPath: '/var/cache/agent' }],
    }));
    assert.is(patched?.verdict, 'ok');
  });
});

it.run();
