// Azure methods (azureWorkloadIdentity, azureKubeletIdentity, aadPodIdentity): bad specs as exact
// `file:line:col` lines, warnings, the issuer solver shapes, the order of federated credentials in
// az.sh and Terraform, and the pod label after a real `kubectl kustomize` (present on every bound
// pod template, absent from every selector).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { examplesDir, renderText, repoRoot, yamlDocs, wiGen } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import { validateKubernetesObject } from './support/core-schemas.js';
import { validateHelmValues } from './support/upstream.js';
import { FEDERATED_CREDENTIAL_NAME, federatedCredentialName } from '../src/methods/names/azure.js';
import type { Rendered } from '../src/render.js';
import { badSpec, cliTable } from './support/table.js';

type Obj = Record<string, any>;

const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222/';
const SUB = '33333333-3333-3333-3333-333333333333';
const HEAD = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  aks:
    oidcIssuerURL: ${ISSUER}
    tenantID: 11111111-1111-1111-1111-111111111111
    subscriptionID: ${SUB}
    resourceGroup: rg-aks
`;
const WI = 'azureWorkloadIdentity: {resourceGroup: rg-id, clientID: 44444444-4444-4444-4444-444444444444}';
const POD_IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-legacy`;

const file = (r: Rendered, path: string): string => {
  const f = r.files.find((x) => x.path === path);
  assert.ok(f, `${path} not rendered (have ${r.files.map((x) => x.path).join(', ')})`);
  return (f as { content: string }).content;
};

// ------------------------------------------------------------------------------------------ bad specs

const badSpecs: { name: string; spec: string; stderr: string[] }[] = [
  {
    name: 'issuer URL without its trailing slash',
    spec: `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  aks:
    oidcIssuerURL: ${ISSUER.slice(0, -1)}
    tenantID: 11111111-1111-1111-1111-111111111111
    subscriptionID: ${SUB}
identities:
  - name: dns
    ${WI}
`,
    stderr: [
      "spec.yaml:6:20: cluster.aks.oidcIssuerURL: must end with '/' exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it; federated credentials match the issuer character for character, and a missing slash fails with AADSTS70021",
    ],
  },
  {
    name: 'kubelet identity with both clientID and resourceID',
    spec: `${HEAD}identities:
  - name: dns
    azureKubeletIdentity:
      clientID: 44444444-4444-4444-4444-444444444444
      resourceID: /subscriptions/${SUB}/resourceGroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-agentpool
`,
    stderr: [
      'spec.yaml:14:19: identities[0].azureKubeletIdentity.resourceID: clientID and resourceID both pick the identity and cert-manager refuses both at once; keep one',
    ],
  },
  {
    name: '21 ServiceAccounts on one managed identity',
    spec: `${HEAD}identities:
  - name: apps
    ${WI}
bindings:
${Array.from({ length: 21 }, (_, i) => `  - {identity: apps, serviceAccount: {namespace: team-${i + 1}, name: app}}`).join('\n')}
`,
    stderr: [
      'spec.yaml:12:28: identities[0].azureWorkloadIdentity: identity "apps" is bound to 21 ServiceAccounts, but Azure allows at most 20 federated credentials per managed identity; split the ServiceAccounts over several identities',
    ],
  },
  {
    name: 'AzureGermanCloud',
    spec: `${HEAD}identities:
  - name: dns
    ${WI}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01:
        azureDNS:
          subscriptionID: ${SUB}
          resourceGroupName: rg-dns
          environment: AzureGermanCloud
`,
    stderr: [
      'spec.yaml:22:24: certManager.issuers[0].dns01.azureDNS.environment: AzureGermanCloud passes the cert-manager CRD but fails at runtime ("unknown cloud configuration name"); the German cloud is closed. Use AzurePublicCloud, AzureChinaCloud or AzureUSGovernmentCloud',
    ],
  },
  {
    name: 'client ID that is not a GUID',
    spec: `${HEAD}identities:
  - name: dns
    azureWorkloadIdentity: {resourceGroup: rg-id, clientID: my-client-id}
`,
    stderr: ['spec.yaml:12:61: identities[0].azureWorkloadIdentity.clientID: clientID must be a GUID such as 00000000-0000-0000-0000-000000000000'],
  },
  {
    name: 'label value given as a YAML boolean',
    spec: `${HEAD}identities:
  - name: legacy
    aadPodIdentity:
      resourceID: ${POD_IDENTITY_ID}
      clientID: 44444444-4444-4444-4444-444444444444
      selector: true
`,
    stderr: ['spec.yaml:15:17: identities[0].aadPodIdentity.selector: must be a string, got boolean true: quote it, e.g. "true"'],
  },
  {
    name: 'token expiration out of range, created identity without location, unknown role, bad scope',
    spec: `${HEAD}identities:
  - name: apps
    azureWorkloadIdentity: {resourceGroup: rg-id, clientID: 44444444-4444-4444-4444-444444444444, create: true, tokenExpiration: 600}
  - name: data
    azureWorkloadIdentity:
      resourceGroup: rg-id
      clientID: 55555555-5555-5555-5555-555555555555
      roles:
        - {role: Storage Blob Data Owner, scope: /subscriptions/${SUB}/resourceGroups/rg}
        - {role: Reader, scope: /resourceGroups/rg}
`,
    stderr: [
      'spec.yaml:12:28: identities[0].azureWorkloadIdentity.location: is required with create: true (the Azure region of the new identity, e.g. westeurope)',
      'spec.yaml:12:130: identities[0].azureWorkloadIdentity.tokenExpiration: must be at least 3600 seconds (1h); the webhook refuses shorter tokens',
      'spec.yaml:18:18: identities[1].azureWorkloadIdentity.roles[0].role: must be a role definition GUID (az role definition list --name NAME --query [].name -o tsv) or one of "DNS Zone Contributor", "Private DNS Zone Contributor", "Key Vault Secrets User", "Reader", "Storage Blob Data Reader"',
      'spec.yaml:19:33: identities[1].azureWorkloadIdentity.roles[1].scope: must be an Azure resource ID below a subscription, e.g. /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/NAME',
    ],
  },
  {
    name: 'workload identity on a cluster without issuer URL and subscription',
    spec: `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  aks: {tenantID: 11111111-1111-1111-1111-111111111111}
identities:
  - name: dns
    ${WI}
`,
    stderr: [
      'spec.yaml:5:8: cluster.aks: identity "dns" (azureWorkloadIdentity) needs cluster.aks.oidcIssuerURL, the issuer its federated credentials trust (az aks show -g RG -n prod --query oidcIssuerProfile.issuerUrl -o tsv)',
      'spec.yaml:5:8: cluster.aks: identity "dns" (azureWorkloadIdentity) needs cluster.aks.subscriptionID, the subscription of its managed identity',
    ],
  },
  {
    name: 'Azure Service Operator output of an existing identity without its principal ID',
    spec: `${HEAD}identities:
  - name: dns
    azureWorkloadIdentity:
      resourceGroup: rg-id
      clientID: 44444444-4444-4444-4444-444444444444
      serviceOperator: {namespace: aso}
`,
    stderr: [
      'spec.yaml:15:24: identities[0].azureWorkloadIdentity.serviceOperator: needs principalID for an existing identity (create: false): the RoleAssignment objects name the principal literally (az identity show --query principalId -o tsv)',
    ],
  },
  {
    name: 'ServiceAccount bound to the kubelet identity',
    spec: `${HEAD}identities:
  - name: node
    azureKubeletIdentity: {}
bindings:
  - identity: node
    serviceAccount: {namespace: apps, name: api}
`,
    stderr: [
      'spec.yaml:15:21: bindings[0].serviceAccount: identity "node" is the node\'s kubelet identity: a ServiceAccount cannot be bound to it (every pod on the nodes already has it); use azureWorkloadIdentity for per-ServiceAccount access',
      "spec.yaml:12:27: identities[0].azureKubeletIdentity: warning: every pod on the cluster's nodes can use the kubelet identity, and with it this identity's DNS rights; prefer azureWorkloadIdentity, which gives them to cert-manager's ServiceAccount only",
    ],
  },
  {
    name: 'namespaced Issuer on workload identity without the ambient opt-in',
    spec: `${HEAD}identities:
  - name: dns
    ${WI}
certManager:
  identity: dns
  issuers:
    - name: team
      kind: Issuer
      namespace: team-a
      acme: {server: letsencrypt}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns}}
`,
    stderr: [
      'spec.yaml:17:13: certManager.issuers[0].kind: a namespaced Issuer with identity "dns" relies on cert-manager\'s own (ambient) credentials, which cert-manager disables for Issuers by default; use kind: ClusterIssuer, or set certManager.issuerAmbientCredentials: true to pass --issuer-ambient-credentials=true (every tenant that can create an Issuer can then use this identity)',
    ],
  },
  {
    name: 'workload identity with a tenantID other than the cluster\'s',
    spec: `${HEAD}identities:
  - name: dns
    azureWorkloadIdentity:
      resourceGroup: rg-id
      clientID: 44444444-4444-4444-4444-444444444444
      tenantID: 66666666-6666-6666-6666-666666666666
`,
    stderr: [
      "spec.yaml:15:17: identities[0].azureWorkloadIdentity.tenantID: is 66666666-6666-6666-6666-666666666666, but cluster.aks.tenantID is 11111111-1111-1111-1111-111111111111: the managed identity is looked up and created in subscription 33333333-3333-3333-3333-333333333333, which belongs to the cluster's tenant; use an identity of that tenant, or leave tenantID out",
    ],
  },
  {
    name: 'azureDNS issuers in two Azure clouds',
    spec: `${HEAD}identities:
  - name: dns
    ${WI}
certManager:
  identity: dns
  issuers:
    - name: public
      acme: {server: letsencrypt}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns}}
    - name: china
      acme: {server: letsencrypt}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns-cn, environment: AzureChinaCloud}}
`,
    stderr: [
      'spec.yaml:21:123: certManager.issuers[1].dns01.azureDNS.environment: is AzureChinaCloud, but another azureDNS issuer of this spec is in AzurePublicCloud; the cluster, its identities and the generated az.sh and Terraform work in one Azure cloud',
    ],
  },
];

cliTable('bad spec', badSpecs.map((c) => badSpec(c.name, c.spec, c.stderr)));

test('kubelet identity and AAD Pod Identity warn on stderr and still render (exit 0)', () => {
  const dir = tmpDir('wi-gen-azure-warn-');
  writeFileSync(
    join(dir, 'spec.yaml'),
    `${HEAD}identities:
  - name: node
    azureKubeletIdentity: {}
  - name: legacy
    aadPodIdentity: {resourceID: ${POD_IDENTITY_ID}, clientID: 44444444-4444-4444-4444-444444444444}
`,
  );
  const r = wiGen(['spec.yaml'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('wi-gen: this stream')), [
    "spec.yaml:12:27: identities[0].azureKubeletIdentity: warning: every pod on the cluster's nodes can use the kubelet identity, and with it this identity's DNS rights; prefer azureWorkloadIdentity, which gives them to cert-manager's ServiceAccount only",
    'spec.yaml:14:21: identities[1].aadPodIdentity: warning: AAD Pod Identity is deprecated since 2022-10-24 and archived (last release v1.8.17); wi-gen emits it only for clusters that still run it. The generated README shows this spec switched to azureWorkloadIdentity',
  ]);
});

// ------------------------------------------------------------------------------------------ shapes

test('workload identity: KSA annotations and labels, pod label as the string "true", Issuer managedIdentity', () => {
  const r = renderText(`${HEAD}identities:
  - name: dns
    azureWorkloadIdentity:
      resourceGroup: rg-id
      clientID: 44444444-4444-4444-4444-444444444444
      tenantID: 11111111-1111-1111-1111-111111111111
      tokenExpiration: 7200
bindings:
  - identity: dns
    serviceAccount: {namespace: apps, name: api}
certManager:
  identity: dns
  issuers:
    - name: private
      acme: {server: letsencrypt-staging}
      dns01:
        azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns, hostedZoneName: corp.example, zoneType: AzurePrivateZone}
`);
  const sa = yamlDocs(file(r, 'manifests/service-accounts.yaml'))[0] as Obj;
  assert.equal(sa.metadata.annotations, {
    'azure.workload.identity/client-id': '44444444-4444-4444-4444-444444444444',
    'azure.workload.identity/service-account-token-expiration': '7200',
    'azure.workload.identity/tenant-id': '11111111-1111-1111-1111-111111111111',
  });
  assert.is(sa.metadata.labels['azure.workload.identity/use'], 'true');
  const valuesText = file(r, 'helm/cert-manager.values.yaml');
  assert.match(valuesText, /^ {2}azure\.workload\.identity\/use: "true"$/m, 'quoted in the file, so toYaml keeps it a string');
  const values = parse(valuesText) as Obj;
  assert.equal(values.podLabels, { 'azure.workload.identity/use': 'true' });
  assert.equal(values.serviceAccount.labels, { 'azure.workload.identity/use': 'true' });
  assert.is(values.serviceAccount.annotations['azure.workload.identity/client-id'], '44444444-4444-4444-4444-444444444444');
  assert.equal(validateHelmValues(values), []);
  const issuer = yamlDocs(file(r, 'manifests/issuers.yaml'))[0] as Obj;
  assert.equal(issuer.spec.acme.solvers[0].dns01, {
    azureDNS: {
      environment: 'AzurePublicCloud',
      hostedZoneName: 'corp.example',
      managedIdentity: { clientID: '44444444-4444-4444-4444-444444444444', tenantID: '11111111-1111-1111-1111-111111111111' },
      resourceGroupName: 'rg-dns',
      subscriptionID: SUB,
      zoneType: 'AzurePrivateZone',
    },
  });
  assert.not.ok('clientID' in issuer.spec.acme.solvers[0].dns01.azureDNS, 'no top-level clientID: ambient');
  assert.equal(validateKubernetesObject(issuer), []);
  const az = file(r, 'cloud/az.sh');
  assert.match(
    az,
    `--role /subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b12aa53e-6015-4669-85d0-8515ebb3ae7f \\\n      --scope /subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/corp.example`,
    'private zone: Private DNS Zone Contributor on the privateDnsZones scope',
  );
});

test('kubelet identity: no ServiceAccount, resourceID in the Issuer, role for the kubelet object ID', () => {
  const rid = `/subscriptions/${SUB}/resourceGroups/MC_rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-agentpool`;
  const r = renderText(`${HEAD}identities:
  - name: node
    azureKubeletIdentity: {resourceID: ${rid}}
certManager:
  identity: node
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns, hostedZoneName: example.com}}
`);
  assert.not.ok(r.files.some((f) => f.path === 'manifests/service-accounts.yaml'));
  const values = parse(file(r, 'helm/cert-manager.values.yaml')) as Obj;
  assert.is(values.podLabels, undefined);
  assert.is(values.serviceAccount.annotations, undefined);
  const issuer = yamlDocs(file(r, 'manifests/issuers.yaml'))[0] as Obj;
  assert.equal(issuer.spec.acme.solvers[0].dns01.azureDNS.managedIdentity, { resourceID: rid });
  const az = file(r, 'cloud/az.sh');
  assert.match(az, '--query identityProfile.kubeletidentity.objectId');
  assert.match(az, `NODE_RESOURCE_ID="$(az aks show`);
  assert.match(az, `--output tsv | tr '[:upper:]' '[:lower:]')"\nif [ "$NODE_RESOURCE_ID" != ${rid.toLowerCase()} ]; then`);
  assert.match(az, '--assignee-object-id "$NODE_PRINCIPAL_ID" \\\n      --assignee-principal-type ServicePrincipal');
  const tf = file(r, 'cloud/terraform/azure-node.tf');
  assert.match(tf, 'principal_id                     = data.azurerm_kubernetes_cluster.node.kubelet_identity[0].object_id');
  assert.match(tf, 'skip_service_principal_aad_check = true');
  assert.match(file(r, 'README.md'), /\*\*Every pod on the nodes of cluster `prod` can use identity `node`\*\*/);
});

test('AAD Pod Identity: AzureIdentity type 0 + binding per namespace, pod label, Issuer without clientID', () => {
  const r = renderText(`${HEAD}identities:
  - name: legacy
    aadPodIdentity: {resourceID: ${POD_IDENTITY_ID}, clientID: 44444444-4444-4444-4444-444444444444, selector: legacy-dns}
bindings:
  - identity: legacy
    serviceAccount: {namespace: apps, name: api}
    workloads: [{kind: Deployment, name: api}]
certManager:
  install: manifests
  identity: legacy
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns}}
`);
  const objs = yamlDocs(file(r, 'manifests/aad-pod-identity.yaml')) as Obj[];
  assert.equal(objs.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`), [
    'AzureIdentity apps/legacy',
    'AzureIdentityBinding apps/legacy-binding',
    'AzureIdentity cert-manager/legacy',
    'AzureIdentityBinding cert-manager/legacy-binding',
  ]);
  for (const o of objs) assert.equal(validateKubernetesObject(o), [], `${o.kind} ${o.metadata.namespace}`);
  const identity = objs[0] as Obj;
  assert.equal(identity.spec, { clientID: '44444444-4444-4444-4444-444444444444', resourceID: POD_IDENTITY_ID, type: 0 });
  assert.is(identity.metadata.annotations['aadpodidentity.k8s.io/Behavior'], 'namespaced');
  assert.equal((objs[1] as Obj).spec, { azureIdentity: 'legacy', selector: 'legacy-dns' });
  const patch = parse(file(r, 'kustomize/cert-manager/deployment.yaml')) as Obj;
  assert.equal(patch.spec.template.metadata.labels, { aadpodidbinding: 'legacy-dns' });
  const issuer = yamlDocs(file(r, 'manifests/issuers.yaml'))[0] as Obj;
  assert.equal(issuer.spec.acme.solvers[0].dns01.azureDNS, { environment: 'AzurePublicCloud', resourceGroupName: 'rg-dns', subscriptionID: SUB });
  const readme = file(r, 'README.md');
  assert.match(readme, '## Migrating to workload identity');
  assert.match(readme, '    azureWorkloadIdentity:\n      name: id-legacy\n      resourceGroup: rg-id\n      clientID: 44444444-4444-4444-4444-444444444444');
  assert.match(readme, 'kubectl delete -n apps azureidentitybinding/legacy-binding azureidentity/legacy');
  assert.match(readme, '`prod-apps-api` → `system:serviceaccount:apps:api`');
});

// ------------------------------------------------------------------------------------------ ordering

const THREE_KSAS = `${HEAD}identities:
  - name: apps
    azureWorkloadIdentity:
      name: id-apps
      resourceGroup: rg-id
      clientID: 44444444-4444-4444-4444-444444444444
      create: true
      location: westeurope
      roles: [{role: Reader, scope: /subscriptions/${SUB}/resourceGroups/rg-apps}]
  - name: other
    ${WI}
bindings:
  - {identity: apps, serviceAccount: {namespace: shop, name: web}}
  - {identity: other, serviceAccount: {namespace: shop, name: admin}}
  - {identity: apps, serviceAccount: {namespace: shop, name: checkout}}
  - {identity: apps, serviceAccount: {namespace: jobs, name: sync.v2}}
`;

test('az.sh: identity first, then one federated credential per KSA in spec order, then roles; nothing in the background', () => {
  const az = file(renderText(THREE_KSAS), 'cloud/az.sh');
  const section = az.slice(az.indexOf('# --- identity apps:'), az.indexOf('# --- identity other:'));
  const at = (needle: string) => {
    const i = section.indexOf(needle);
    assert.ok(i >= 0, `${needle} not in the apps section`);
    return i;
  };
  const creates = [...section.matchAll(/az identity federated-credential create[^]*?--audiences (\S+)/g)];
  assert.is(creates.length, 3);
  for (const m of creates) assert.is(m[1], 'api://AzureADTokenExchange', 'audience passed explicitly');
  const names = [...section.matchAll(/--identity-name id-apps \\\n {6}--name (\S+)/g)].map((m) => m[1] as string);
  assert.equal(names, ['prod-shop-web', 'prod-shop-checkout', 'prod-jobs-sync-v2']);
  for (const n of names) assert.match(n, FEDERATED_CREDENTIAL_NAME);
  const subjects = [...section.matchAll(/--subject (\S+)/g)].map((m) => m[1]);
  assert.equal(subjects, ['system:serviceaccount:shop:web', 'system:serviceaccount:shop:checkout', 'system:serviceaccount:jobs:sync.v2']);
  assert.match(section, `--issuer ${ISSUER} \\`);
  assert.ok(at('az identity create') < at('APPS_PRINCIPAL_ID="$(az identity show'), 'created before it is read');
  assert.ok(at('exit 1') < at('federated-credential create'), 'client-ID check before the first credential');
  assert.ok(at('--name prod-jobs-sync-v2') < at('az role assignment create'));
  assert.not.match(az, /&\s*$/m, 'no command runs in the background');
  assert.not.match(az, /\bwait\b/);
  if (hasTool('bash')) {
    const dir = tmpDir('wi-gen-azure-sh-');
    writeFileSync(join(dir, 'az.sh'), az);
    const r = run('bash', ['-n', join(dir, 'az.sh')]);
    assert.is(r.code, 0, r.stderr);
  }
});

test('Terraform: credentials of one identity form a depends_on chain; another identity starts its own', () => {
  const r = renderText(THREE_KSAS);
  const tf = file(r, 'cloud/terraform/azure-apps.tf');
  const blocks = [...tf.matchAll(/resource "azurerm_federated_identity_credential" "([^"]+)" \{([^]*?)\n\}/g)].map((m) => ({
    name: m[1] as string,
    dependsOn: /depends_on = \[(.*)\]/.exec(m[2] as string)?.[1],
    body: m[2] as string,
  }));
  assert.equal(blocks.map((b) => b.name), ['apps_shop_web', 'apps_shop_checkout', 'apps_jobs_sync_v2']);
  assert.equal(blocks.map((b) => b.dependsOn), [
    undefined,
    'azurerm_federated_identity_credential.apps_shop_web',
    'azurerm_federated_identity_credential.apps_shop_checkout',
  ]);
  for (const b of blocks) {
    assert.match(b.body, 'user_assigned_identity_id = azurerm_user_assigned_identity.apps.id');
    assert.match(b.body, 'audience                  = ["api://AzureADTokenExchange"]');
    assert.not.match(b.body, /parent_id|resource_group_name/, 'azurerm >= 4.65 form');
  }
  const other = file(r, 'cloud/terraform/azure-other.tf');
  assert.not.match(other, 'depends_on', 'a single credential has nothing to wait for');
  const versions = file(r, 'cloud/terraform/versions.tf');
  assert.match(versions, 'version = ">= 4.65, < 6"');
  assert.match(versions, `provider "azurerm" {\n  subscription_id = "${SUB}"\n  features {}\n}`);
  assert.match(tf, 'condition     = lower(self.client_id) == "44444444-4444-4444-4444-444444444444"');
  if (hasTool('terraform')) {
    const dir = tmpDir('wi-gen-azure-tf-');
    for (const f of r.files.filter((x) => x.path.startsWith('cloud/terraform/'))) writeFileSync(join(dir, f.path.split('/').pop() as string), f.content);
    const fmt = run('terraform', ['fmt', '-check', '-diff', dir]);
    assert.is(fmt.code, 0, fmt.stdout + fmt.stderr);
  }
});

test('federated credential names: 3-120 characters, stable, unique even when truncated', () => {
  const long = 'a'.repeat(63);
  const a = federatedCredentialName(long, long, `${'b'.repeat(200)}.x`);
  const b = federatedCredentialName(long, long, `${'b'.repeat(200)}.y`);
  assert.is(a.length, 120);
  assert.match(a, FEDERATED_CREDENTIAL_NAME);
  assert.is.not(a, b);
  assert.is(federatedCredentialName(long, long, `${'b'.repeat(200)}.x`), a);
  assert.is(federatedCredentialName('prod', 'shop', 'web.v2'), 'prod-shop-web-v2');
});

test('Azure Service Operator objects carry explicit apiVersions and armId role references, and validate', () => {
  const r = renderText(`${HEAD}identities:
  - name: apps
    azureWorkloadIdentity:
      resourceGroup: rg-id
      clientID: 44444444-4444-4444-4444-444444444444
      principalID: 77777777-7777-7777-7777-777777777777
      serviceOperator: {namespace: aso}
      roles: [{role: 8e3af657-a8ff-443c-a75c-2fe8c4bcb635, scope: /subscriptions/${SUB}/resourceGroups/rg-apps}]
bindings:
  - {identity: apps, serviceAccount: {namespace: shop, name: web}}
`);
  const objs = yamlDocs(file(r, 'cloud/azure-service-operator/apps.yaml')) as Obj[];
  assert.equal(objs.map((o) => `${o.apiVersion} ${o.kind}`), [
    'managedidentity.azure.com/v1api20230131 FederatedIdentityCredential',
    'authorization.azure.com/v1api20220401 RoleAssignment',
  ]);
  const [fic, role] = objs as [Obj, Obj];
  assert.equal(fic.spec.owner, { armId: `/subscriptions/${SUB}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/apps` });
  assert.equal(fic.spec.audiences, ['api://AzureADTokenExchange']);
  assert.is(role.spec.principalId, '77777777-7777-7777-7777-777777777777');
  assert.equal(role.spec.roleDefinitionReference, {
    armId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
  });
  for (const o of objs) assert.equal(validateKubernetesObject(o), [], `${o.kind}`);
});

// ------------------------------------------------------------------------------------------ apply-time behaviour

const DNS_ISSUER = (environment = 'AzurePublicCloud') => `certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns, hostedZoneName: example.com, environment: ${environment}}}
`;
const WI_SPEC = (environment = 'AzurePublicCloud') => `${HEAD}identities:
  - name: dns
    ${WI}
${DNS_ISSUER(environment)}`;

/**
 * An `az` stub: logs each call's argv (arguments separated by \x1f) to $LOG and answers the
 * lookups the scripts make; every other call succeeds silently.
 */
const AZ_STUB = `#!/usr/bin/env bash
{ printf '%s\\x1f' "$@"; printf '\\n'; } >>"$LOG"
case "$1 $2 $3" in
  'cloud show --query') printf '%s\\n' "\${AZ_CLOUD:-AzureCloud}" ;;
  'identity federated-credential list') printf '%s\\n' "\${EXISTING_CREDENTIAL:-}" ;;
  'role assignment list') printf '%s\\n' "\${EXISTING_ASSIGNMENT:-}" ;;
  'identity show --subscription')
    case "$*" in
      *'--query clientId'*) printf '%s\\n' 44444444-4444-4444-4444-444444444444 | tr '[:lower:]' '[:upper:]' ;;
      *'--query principalId'*) printf '%s\\n' 77777777-7777-7777-7777-777777777777 ;;
    esac ;;
esac
`;

function runAzScript(script: string, env: Record<string, string | undefined>) {
  const dir = tmpDir('wi-gen-az-run-');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'az'), AZ_STUB, { mode: 0o755 });
  writeFileSync(join(dir, 'az.sh'), script);
  const log = join(dir, 'log');
  writeFileSync(log, '');
  const r = run('bash', [join(dir, 'az.sh')], {
    env: { PATH: `${join(dir, 'bin')}:${process.env['PATH']}`, LOG: log, AZ_CLOUD: undefined, EXISTING_CREDENTIAL: undefined, EXISTING_ASSIGNMENT: undefined, ...env },
  });
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\x1f').slice(0, -1));
  return { ...r, calls, dir };
}

const callsOf = (calls: string[][], ...words: string[]) => calls.filter((c) => words.every((w, i) => c[i] === w));

test('az.sh, first run: creates the federated credential and the role assignment once each; an upper-case client ID from Azure still matches', () => {
  const r = runAzScript(file(renderText(WI_SPEC()), 'cloud/az.sh'), {});
  assert.is(r.code, 0, r.stderr);
  const [list] = callsOf(r.calls, 'identity', 'federated-credential', 'list');
  assert.ok(list, 'credentials are listed before one is created');
  assert.is(list[list.indexOf('--query') + 1], `[?issuer=='${ISSUER}' && subject=='system:serviceaccount:cert-manager:cert-manager'].name | [0]`);
  assert.is(callsOf(r.calls, 'identity', 'federated-credential', 'create').length, 1);
  const [roleList] = callsOf(r.calls, 'role', 'assignment', 'list');
  assert.ok(roleList, 'role assignments are listed before one is created');
  // Role matched in the query: `--role GUID` would be resolved in the signed-in subscription, not the scope's.
  assert.is(roleList[roleList.indexOf('--query') + 1], "[?principalId=='77777777-7777-7777-7777-777777777777' && ends_with(roleDefinitionId, '/befefa01-2a29-4197-83a8-272ff33ce314')].id");
  assert.not.ok(roleList.includes('--role'));
  // And the create names the definition in the scope's subscription, which az passes through unchanged.
  const [create] = callsOf(r.calls, 'role', 'assignment', 'create');
  assert.is((create as string[])[(create as string[]).indexOf('--role') + 1], `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/befefa01-2a29-4197-83a8-272ff33ce314`);
  assert.is(callsOf(r.calls, 'role', 'assignment', 'create').length, 1);
});

test('az.sh re-run: reuses a federated credential with the same issuer and subject under another name, and an existing role assignment', () => {
  const r = runAzScript(file(renderText(WI_SPEC()), 'cloud/az.sh'), {
    EXISTING_CREDENTIAL: 'made-by-hand',
    EXISTING_ASSIGNMENT: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/0000`,
  });
  assert.is(r.code, 0, r.stderr);
  assert.equal(callsOf(r.calls, 'identity', 'federated-credential', 'create'), [], 'no duplicate credential (Azure would answer 409)');
  assert.equal(callsOf(r.calls, 'role', 'assignment', 'create'), [], 'no create for an existing assignment');
  assert.match(r.stderr, 'wi-gen: reusing federated credential made-by-hand of dns for system:serviceaccount:cert-manager:cert-manager (wi-gen would name it prod-cert-manager-cert-manager)');
});

test('sovereign clouds: az.sh stops unless az is set to the spec\'s cloud; Terraform providers name it', () => {
  const china = renderText(WI_SPEC('AzureChinaCloud'));
  const wrong = runAzScript(file(china, 'cloud/az.sh'), {});
  assert.is(wrong.code, 1);
  assert.match(wrong.stderr, "wi-gen: az is set to cloud AzureCloud, but the spec's Azure DNS environment is AzureChinaCloud: run 'az cloud set --name AzureChinaCloud' and 'az login', then re-run this script");
  assert.equal(wrong.calls.map((c) => c.slice(0, 2).join(' ')), ['cloud show'], 'nothing else runs against the wrong cloud');
  assert.is(runAzScript(file(china, 'cloud/az.sh'), { AZ_CLOUD: 'AzureChinaCloud' }).code, 0);
  assert.match(file(china, 'cloud/terraform/versions.tf'), `provider "azurerm" {\n  subscription_id = "${SUB}"\n  environment     = "china"\n  features {}\n}`);
  const usgov = renderText(WI_SPEC('AzureUSGovernmentCloud'));
  assert.match(file(usgov, 'cloud/az.sh'), 'if [ "$az_cloud" != AzureUSGovernment ]; then');
  assert.match(file(usgov, 'cloud/terraform/versions.tf'), 'environment     = "usgovernment"');
  // Public Azure: the check still runs (az may be set to another cloud), the provider keeps its default.
  const pub = renderText(WI_SPEC());
  assert.match(file(pub, 'cloud/az.sh'), 'if [ "$az_cloud" != AzureCloud ]; then');
  assert.not.match(file(pub, 'cloud/terraform/versions.tf'), 'environment');
  // One check per script, however many identities: it is a preamble, not part of each section.
  assert.is(file(renderText(THREE_KSAS), 'cloud/az.sh').split('az cloud show').length - 1, 1);
  // The other Azure methods get the same.
  const kubelet = renderText(`${HEAD}identities:\n  - name: dns\n    azureKubeletIdentity: {}\n${DNS_ISSUER('AzureChinaCloud')}`);
  assert.match(file(kubelet, 'cloud/az.sh'), 'if [ "$az_cloud" != AzureChinaCloud ]; then');
  assert.match(file(kubelet, 'cloud/terraform/versions.tf'), 'environment     = "china"');
});

test('an identity without role assignments leaves no unused variable in az.sh (ShellCheck SC2034)', () => {
  const r = renderText(`${HEAD}identities:
  - name: apps
    ${WI}
  - name: node
    azureKubeletIdentity: {objectID: 77777777-7777-7777-7777-777777777777}
  - name: legacy
    aadPodIdentity: {resourceID: ${POD_IDENTITY_ID}, clientID: 44444444-4444-4444-4444-444444444444}
bindings:
  - {identity: apps, serviceAccount: {namespace: shop, name: web}}
  - {identity: legacy, serviceAccount: {namespace: shop, name: old}}
`);
  const az = file(r, 'cloud/az.sh');
  assert.not.match(az, /PRINCIPAL_ID=/, 'no principal ID is looked up when no role needs it');
  if (!hasTool('shellcheck')) {
    console.log('  skipped ShellCheck: shellcheck is not on PATH');
    return;
  }
  const dir = tmpDir('wi-gen-azure-sc-');
  writeFileSync(join(dir, 'az.sh'), az);
  const ok = run('shellcheck', ['--severity=style', join(dir, 'az.sh')]);
  assert.is(ok.code, 0, ok.stdout + ok.stderr);
  // Control: the same script with the lookup it used to make is flagged.
  writeFileSync(join(dir, 'planted.sh'), az.replace('set -euo pipefail\n', 'set -euo pipefail\nAPPS_PRINCIPAL_ID="$(az identity show --ids x --query principalId --output tsv)"\n'));
  const bad = run('shellcheck', ['--severity=style', join(dir, 'planted.sh')]);
  assert.is(bad.code, 1);
  assert.match(bad.stdout, 'SC2034');
});

test('Azure Service Operator creating the identity: the README reads the client ID back from the ConfigMap ASO writes', () => {
  const r = renderText(`${HEAD}identities:
  - name: dns
    azureWorkloadIdentity:
      name: id-dns
      resourceGroup: rg-id
      clientID: 44444444-4444-4444-4444-444444444444
      create: true
      location: westeurope
      serviceOperator: {namespace: aso}
${DNS_ISSUER()}`);
  const objs = yamlDocs(file(r, 'cloud/azure-service-operator/dns.yaml')) as Obj[];
  const identity = objs.find((o) => o.kind === 'UserAssignedIdentity') as Obj;
  const target = identity.spec.operatorSpec.configMaps.clientId;
  const readme = file(r, 'README.md');
  assert.match(readme, `kubectl wait -n aso userassignedidentity/${identity.metadata.name} --for=condition=Ready --timeout=10m`);
  assert.match(readme, `kubectl get configmap -n aso ${target.name} -o jsonpath='{.data.${target.key}}'; echo   # must print 44444444-4444-4444-4444-444444444444`);
  assert.match(readme, 'put that in identities[0].azureWorkloadIdentity.clientID, re-render, and only then apply the rest');
  // Without ASO, or for an existing identity, there is nothing to read back.
  assert.not.match(file(renderText(WI_SPEC()), 'README.md'), 'kubectl get configmap');
});

test('README troubleshooting quotes Azure DNS errors for Azure issuers, never the Cloud DNS / Route53 ones', () => {
  const readme = file(
    renderText(`${HEAD}identities:
  - name: dns
    ${WI}
certManager:
  identity: dns
  issuerAmbientCredentials: true
  issuers:
    - name: team
      kind: Issuer
      namespace: team-a
      acme: {server: letsencrypt}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns}}
`),
    'README.md',
  );
  assert.match(readme, '`ClientID was omitted…` means a namespaced Issuer without `--issuer-ambient-credentials=true`');
  assert.match(readme, '403 (`AuthorizationFailed` from Azure)');
  assert.not.match(readme, 'empty credentials; perhaps you meant to enable ambient credentials?');
});

if (hasTool('az')) {
  test('the az commands the scripts now run parse with the real az (exit 1 "az login", never 2)', async () => {
    const r = runAzScript(file(renderText(THREE_KSAS), 'cloud/az.sh'), {});
    assert.is(r.code, 0, r.stderr);
    // One call of each shape: the forms this change added or touched.
    const shapes = new Map<string, string[]>();
    for (const c of r.calls) {
      const first = c.findIndex((w) => w.startsWith('-'));
      const key = c.slice(0, first < 0 ? c.length : first).join(' ');
      if (!shapes.has(key)) shapes.set(key, c);
    }
    for (const key of ['cloud show', 'identity federated-credential list', 'identity federated-credential create', 'role assignment list', 'role assignment create']) {
      assert.ok(shapes.has(key), `no ${key} call`);
    }
    const config = tmpDir('wi-gen-az-config-');
    // Two at a time (az takes 1-2 s per call on a quiet machine).
    const azRun = (argv: string[]) =>
      new Promise<{ code: number; text: string }>((resolve) => {
        execFile('az', argv, { env: { ...process.env, AZURE_CONFIG_DIR: config }, timeout: 60_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, text: stdout + stderr });
        });
      });
    // Control: a planted bad flag must be caught by the same test of the answer.
    const PLANTED = 'planted: role assignment list --assignee-object-id';
    const entries = [...shapes, [PLANTED, ['role', 'assignment', 'list', '--assignee-object-id', 'x', '--output', 'tsv']] as [string, string[]]];
    for (let i = 0; i < entries.length; i += 2) {
      const batch = entries.slice(i, i + 2);
      const results = await Promise.all(batch.map(([, argv]) => azRun(argv)));
      batch.forEach(([key], j) => {
        const out = results[j] as { code: number; text: string };
        if (key === PLANTED) {
          assert.is(out.code, 2, out.text);
          assert.match(out.text, /unrecognized arguments/);
          return;
        }
        assert.not.match(out.text, /unrecognized arguments|misspelled or not recognized|Unknown options|the following arguments are required/, `${key}: ${out.text}`);
        assert.ok(out.code === 0 || (out.code === 1 && /az login/.test(out.text)), `${key}: exit ${out.code}: ${out.text}`);
      });
    }
  });
} else {
  console.log('azure.test.ts: skipped the real-az parse check: az is not on PATH (Debian package azure-cli)');
}

// ------------------------------------------------------------------------------------------ kubectl kustomize

const fixtures = join(repoRoot, 'test', 'fixtures');

function build(resources: readonly string[], components: readonly string[]): Obj[] {
  const dir = tmpDir('wi-gen-azure-kustomize-');
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

function writeTree(r: Rendered): string {
  const dir = tmpDir('wi-gen-azure-out-');
  for (const f of r.files) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

const podTemplate = (o: Obj): Obj => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template);

/** Every string anywhere under a selector: the identity labels must appear in none. */
function selectorText(o: Obj): string {
  const parts: unknown[] = [o.spec?.selector, o.spec?.jobTemplate?.spec?.selector];
  return JSON.stringify(parts);
}

if (!hasTool('kubectl')) {
  test.skip('kubectl is not installed', () => {});
} else {
  test('kubectl kustomize: every bound pod template gets azure.workload.identity/use="true", no selector does', () => {
    const r = renderText(`${HEAD}identities:
  - name: dns
    ${WI}
  - name: billing
    azureWorkloadIdentity: {resourceGroup: rg-id, clientID: 55555555-5555-5555-5555-555555555555}
bindings:
  - identity: billing
    serviceAccount: {namespace: billing, name: invoice-reader}
    workloads:
      - {kind: Deployment, name: invoice-api}
      - {kind: CronJob, name: invoice-export}
  - identity: billing
    serviceAccount: {namespace: billing, name: ledger, create: false}
    workloads:
      - {kind: StatefulSet, name: ledger}
      - {kind: Job, name: ledger-backfill}
      - {kind: DaemonSet, name: log-shipper}
certManager:
  install: manifests
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt-staging}
      dns01: {azureDNS: {subscriptionID: ${SUB}, resourceGroupName: rg-dns}}
`);
    const out = writeTree(r);
    const objs = build(
      [join(fixtures, 'cert-manager-static', 'cert-manager.yaml'), join(fixtures, 'azure', 'workloads.yaml')],
      [join(out, 'kustomize', 'cert-manager'), join(out, 'kustomize', 'namespaces', 'billing')],
    );
    const bound: [string, string, string][] = [
      ['Deployment', 'cert-manager', 'cert-manager'],
      ['Deployment', 'invoice-api', 'invoice-reader'],
      ['CronJob', 'invoice-export', 'invoice-reader'],
      ['StatefulSet', 'ledger', 'ledger'],
      ['Job', 'ledger-backfill', 'ledger'],
      ['DaemonSet', 'log-shipper', 'ledger'],
    ];
    for (const [kind, name, sa] of bound) {
      const o = objs.find((x) => x.kind === kind && x.metadata.name === name) as Obj;
      assert.ok(o, `${kind}/${name}`);
      const template = podTemplate(o);
      assert.is(template.metadata.labels['azure.workload.identity/use'], 'true', `${kind}/${name} pod label`);
      assert.is(template.spec.serviceAccountName, sa, `${kind}/${name} serviceAccountName`);
      assert.ok(template.spec.containers.length >= 1, 'containers kept');
      assert.not.match(selectorText(o), 'azure.workload.identity', `${kind}/${name} selector untouched`);
      assert.is(o.metadata.labels?.['azure.workload.identity/use'], undefined, `${kind}/${name} object labels untouched`);
    }
    const web = objs.find((x) => x.kind === 'Deployment' && x.metadata.name === 'invoice-api') as Obj;
    assert.equal(web.spec.selector, { matchLabels: { app: 'invoice-api' } });
    assert.is(web.spec.template.metadata.labels.app, 'invoice-api', 'existing pod labels kept');
    const cmDeployment = objs.find((x) => x.kind === 'Deployment' && x.metadata.name === 'cert-manager') as Obj;
    assert.is(cmDeployment.spec.template.spec.serviceAccountName, 'cert-manager', 'the static manifest keeps its own SA');
    const cmSa = objs.find((x) => x.kind === 'ServiceAccount' && x.metadata.name === 'cert-manager') as Obj;
    assert.is(cmSa.metadata.annotations['azure.workload.identity/client-id'], '44444444-4444-4444-4444-444444444444');
    const ledgerSa = objs.find((x) => x.kind === 'ServiceAccount' && x.metadata.name === 'ledger') as Obj;
    assert.is(ledgerSa.metadata.annotations['azure.workload.identity/client-id'], '55555555-5555-5555-5555-555555555555');
    assert.equal(ledgerSa.metadata.labels, { team: 'billing', 'azure.workload.identity/use': 'true' });
    for (const o of objs) assert.equal(validateKubernetesObject(o), [], `${o.kind}/${o.metadata.name}`);
  });

  test('kubectl kustomize: examples/aks-workload-identity Component over the billing workloads', () => {
    const out = join(examplesDir, 'aks-workload-identity', 'out', 'kustomize', 'namespaces', 'billing');
    const objs = build([join(fixtures, 'azure', 'workloads.yaml')], [out]);
    for (const [kind, name] of [['Deployment', 'invoice-api'], ['CronJob', 'invoice-export']] as const) {
      const o = objs.find((x) => x.kind === kind && x.metadata.name === name) as Obj;
      assert.is(podTemplate(o).metadata.labels['azure.workload.identity/use'], 'true');
      assert.not.match(selectorText(o), 'azure.workload.identity');
    }
    const untouched = objs.find((x) => x.kind === 'StatefulSet' && x.metadata.name === 'ledger') as Obj;
    assert.is(untouched.spec.template.metadata.labels['azure.workload.identity/use'], undefined, 'unbound workloads stay as they are');
  });

  test('kubectl kustomize: examples/aks-pod-identity-legacy puts aadpodidbinding on pod templates only', () => {
    const out = join(examplesDir, 'aks-pod-identity-legacy', 'out', 'kustomize');
    const objs = build(
      [join(fixtures, 'cert-manager-static', 'cert-manager.yaml'), join(fixtures, 'azure', 'workloads.yaml')],
      [join(out, 'cert-manager'), join(out, 'namespaces', 'orders')],
    );
    for (const [kind, name, value] of [
      ['Deployment', 'cert-manager', 'certman-label'],
      ['Deployment', 'orders-worker', 'orders'],
      ['CronJob', 'orders-reconcile', 'orders'],
    ] as const) {
      const o = objs.find((x) => x.kind === kind && x.metadata.name === name) as Obj;
      assert.is(podTemplate(o).metadata.labels.aadpodidbinding, value, `${kind}/${name}`);
      assert.not.match(selectorText(o), 'aadpodidbinding');
    }
  });
}

// ------------------------------------------------------------------------------------------ templates

const TEMPLATES = ['aks-workload-identity', 'aks-kubelet-identity', 'aad-pod-identity-legacy'];

test('Azure templates: placeholders fail validation, and the fill values make them render', () => {
  const values = parse(readFileSync(join(fixtures, 'template-values.yaml'), 'utf8')) as Record<string, unknown>;
  for (const name of TEMPLATES) {
    const text = readFileSync(join(repoRoot, 'templates', `${name}.yaml`), 'utf8');
    assert.ok(text.startsWith('# yaml-language-server: $schema=../schema/wi-gen.schema.json\n'), `${name}: schema line`);
    const placeholders = [...new Set([...text.matchAll(/<([A-Z][A-Z0-9_]*)>/g)].map((m) => m[1] as string))];
    assert.ok(placeholders.length > 0, `${name}: has placeholders`);
    const dir = tmpDir('wi-gen-azure-template-');
    writeFileSync(join(dir, 'spec.yaml'), text);
    assert.is(wiGen(['spec.yaml'], { cwd: dir }).code, 2, `${name}: unfilled template is refused`);
    const filled = text.replace(/<([A-Z][A-Z0-9_]*)>/g, (_, key: string) => {
      assert.ok(key in values, `${name}: no fill value for ${key} in test/fixtures/template-values.yaml`);
      return String(values[key]);
    });
    try {
      renderText(filled);
    } catch (error) {
      assert.unreachable(`${name}: filled template does not render:\n${(error as Error).message}`);
    }
  }
});

test.run();
