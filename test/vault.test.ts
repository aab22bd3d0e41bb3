// azureServicePrincipalVault: the VSO objects validate against their CRDs in every issuer layout,
// the Kubernetes half and the Vault half name the same things, no output or spec field can carry
// a client secret, bad input gets exact lines, and the generated scripts behave (stub CLIs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { SpecSchema } from '../src/spec/schema.js';
import { examplesDir, readTree, renderFile, renderText, repoRoot, yamlDocs, wiGen } from './support/wi-gen.js';
import { validateKubernetesObject } from './support/core-schemas.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import type { Rendered } from '../src/render.js';
import { badSpec, cliTable } from './support/table.js';

type Obj = Record<string, any>;

const CLIENT_ID = '6e8b2a1c-3d4f-4a5b-8c9d-0e1f2a3b4c5d';
const OBJECT_ID = '9a7c5e3b-1d2f-4e6a-8b0c-2d4e6f8a0b1c';
const VAULT_CLIENT_ID = '1c3e5a7b-9d2f-4b6a-8c0e-2f4a6b8c0d1e';

const IDENTITY = `identities:
  - name: azuredns
    azureServicePrincipalVault:
      clientID: ${CLIENT_ID}
      applicationObjectID: ${OBJECT_ID}
      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47
      vault:
        address: https://vault.lab.example:8200
        caCertSecretRef: vault-ca
        kubernetesAuth: {role: cert-manager-azuredns, audience: https://vault.lab.example}
        azure:
          mount: azure-lab
          role: cert-manager-dns
          ttl: 2h
          maxTTL: 48h
          explicitMaxTTL: 3d
          config: {clientID: ${VAULT_CLIENT_ID}}
`;
const HEAD = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: lab
`;
const CLUSTER_ISSUER = `    - name: letsencrypt
      acme: {server: letsencrypt}
      dns01:
        azureDNS: {subscriptionID: 3f2504e0-4f89-41d3-9a0c-0305e82c3301, resourceGroupName: dns, hostedZoneName: lab.example}
`;
const TEAM_ISSUER = `    - name: team-a
      kind: Issuer
      namespace: team-a
      acme: {server: letsencrypt-staging}
      dns01:
        azureDNS: {subscriptionID: 3f2504e0-4f89-41d3-9a0c-0305e82c3301, resourceGroupName: dns-private, hostedZoneName: team-a.lab.example, zoneType: AzurePrivateZone}
`;
const spec = (...issuers: string[]) => `${HEAD}${IDENTITY}certManager:\n  identity: azuredns\n  issuers:\n${issuers.join('')}`;

const BOTH = spec(CLUSTER_ISSUER, TEAM_ISSUER);
const NAMESPACED_ONLY = spec(TEAM_ISSUER);

const docsOf = (r: Rendered): Obj[] => yamlDocs(r.stream) as Obj[];
const ofKind = (docs: Obj[], kind: string) => docs.filter((d) => d.kind === kind);
const fileOf = (r: Rendered, path: string): string => {
  const f = r.files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not rendered; have ${r.files.map((x) => x.path).join(', ')}`);
  return f.content;
};

// ------------------------------------------------------------------------------------ objects

for (const [name, text] of [
  ['ClusterIssuer and namespaced Issuer', BOTH],
  ['namespaced Issuer only', NAMESPACED_ONLY],
] as const) {
  test(`${name}: every generated object validates against its CRD or core schema`, () => {
    const docs = docsOf(renderText(text));
    assert.ok(ofKind(docs, 'VaultDynamicSecret').length > 0);
    for (const d of docs) assert.equal(validateKubernetesObject(d), [], `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`);
  });
}

test('objects sit where cert-manager reads the Secret: its namespace for a ClusterIssuer, the Issuer\'s own otherwise', () => {
  const docs = docsOf(renderText(BOTH));
  for (const kind of ['VaultConnection', 'ServiceAccount', 'VaultAuth', 'VaultDynamicSecret']) {
    assert.equal(ofKind(docs, kind).map((d) => d.metadata.namespace), ['cert-manager', 'team-a'], kind);
  }
  const issuers = [...ofKind(docs, 'ClusterIssuer'), ...ofKind(docs, 'Issuer')];
  for (const issuer of issuers) {
    const ns = issuer.kind === 'Issuer' ? issuer.metadata.namespace : 'cert-manager';
    const solver = issuer.spec.acme.solvers[0].dns01.azureDNS;
    const vds = ofKind(docs, 'VaultDynamicSecret').find((d) => d.metadata.namespace === ns) as Obj;
    assert.equal(solver.clientSecretSecretRef, { name: vds.spec.destination.name, key: 'client_secret' });
    assert.is(solver.clientID, CLIENT_ID);
    assert.not.ok('managedIdentity' in solver);
  }
  const team = ofKind(docs, 'Issuer')[0] as Obj;
  assert.is(team.spec.acme.solvers[0].dns01.azureDNS.zoneType, 'AzurePrivateZone');
});

test('VaultDynamicSecret: creds path, no params, excludeRaw, restart only where cert-manager runs', () => {
  const docs = docsOf(renderText(BOTH));
  const [cm, team] = ofKind(docs, 'VaultDynamicSecret') as [Obj, Obj];
  for (const vds of [cm, team]) {
    assert.is(vds.spec.mount, 'azure-lab');
    assert.is(vds.spec.path, 'creds/cert-manager-dns');
    assert.not.ok('params' in vds.spec);
    assert.not.ok('requestHTTPMethod' in vds.spec);
    assert.equal(vds.spec.destination, { name: 'azuredns-azure-sp', create: true, transformation: { excludeRaw: true } });
    assert.is(vds.spec.renewalPercent, 67);
  }
  assert.equal(cm.spec.rolloutRestartTargets, [{ kind: 'Deployment', name: 'cert-manager' }]);
  // VSO restarts only in the VaultDynamicSecret's namespace; cert-manager's Deployment is not in team-a.
  assert.not.ok('rolloutRestartTargets' in team.spec);
  assert.not.ok('rolloutRestartTargets' in (ofKind(docsOf(renderText(NAMESPACED_ONLY)), 'VaultDynamicSecret')[0] as Obj).spec);
});

test('a namespaced Issuer needs no ambient flag, leaves cert-manager\'s ServiceAccount unbound, and warns who can read the secret', () => {
  const dir = tmpDir('wi-gen-vault-ns-');
  writeFileSync(join(dir, 'spec.yaml'), NAMESPACED_ONLY);
  const out = wiGen(['spec.yaml'], { cwd: dir });
  assert.is(out.code, 0, out.stderr);
  assert.equal(out.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('wi-gen: this stream')), [
    `spec.yaml:25:7: certManager.issuers[0]: warning: Issuer team-a/team-a gets its client secret in Secret team-a/azuredns-azure-sp: whoever can read Secrets in team-a can act as application ${CLIENT_ID} (and its DNS role) until the secret's lease ends`,
  ]);
  const r = renderText(NAMESPACED_ONLY);
  const values = parse(fileOf(r, 'helm/cert-manager.values.yaml'));
  assert.not.ok('extraArgs' in values);
  assert.not.ok('annotations' in values.serviceAccount);
  assert.not.ok('podLabels' in values);
});

test('the Vault side names what the Kubernetes side uses', () => {
  const r = renderText(BOTH);
  const docs = docsOf(r);
  const auth = ofKind(docs, 'VaultAuth')[0] as Obj;
  const sa = ofKind(docs, 'ServiceAccount')[0] as Obj;
  const conn = ofKind(docs, 'VaultConnection')[0] as Obj;
  assert.equal(auth.spec.kubernetes, { role: 'cert-manager-azuredns', serviceAccount: sa.metadata.name, audiences: ['https://vault.lab.example'] });
  assert.is(auth.spec.vaultConnectionRef, conn.metadata.name);
  assert.equal(conn.spec, { address: 'https://vault.lab.example:8200', skipTLSVerify: false, caCertSecretRef: 'vault-ca' });
  assert.is(sa.automountServiceAccountToken, false);

  const sh = fileOf(r, 'cloud/vault.sh');
  assert.match(sh, /vault write auth\/kubernetes\/role\/cert-manager-azuredns \\\n/);
  assert.match(sh, new RegExp(`bound_service_account_names=${sa.metadata.name} \\\\\n`));
  assert.match(sh, /bound_service_account_namespaces=cert-manager,team-a \\\n/);
  assert.match(sh, /audience=https:\/\/vault\.lab\.example \\\n/);
  assert.match(sh, /token_period=120 \\\n\s+token_ttl=0 \\\n\s+token_max_ttl=0\n/);
  assert.match(sh, /vault write azure-lab\/roles\/cert-manager-dns \\\n\s+application_object_id=9a7c5e3b-1d2f-4e6a-8b0c-2d4e6f8a0b1c \\\n\s+ttl=2h \\\n\s+max_ttl=48h \\\n\s+explicit_max_ttl=3d\n/);
  assert.match(sh, /path "azure-lab\/creds\/cert-manager-dns" \{\n  capabilities = \["read"\]\n\}/);
  assert.match(sh, /path "sys\/leases\/revoke" \{\n  capabilities = \["update"\]\n\}/);
  assert.not.match(sh, /use_microsoft_graph_api|password_policy/);
  assert.not.match(sh, /vault write -f \S+\/rotate-root/, 'rotateRoot defaults to false');

  const tf = fileOf(r, 'cloud/terraform/vault-azuredns.tf');
  assert.match(tf, /bound_service_account_namespaces = \["cert-manager", "team-a"\]/);
  assert.match(tf, /audience += "https:\/\/vault\.lab\.example"\n/);
  assert.match(tf, /ttl += "7200"\n\s+max_ttl += "172800"\n\s+explicit_max_ttl += "259200"/);
  assert.match(tf, /path += "azure-lab\/creds\/cert-manager-dns"/);
  assert.match(tf, /client_secret_wo += var\.azuredns_vault_azure_client_secret/);
  assert.match(tf, /sensitive += true\n\s+ephemeral += true/);
  assert.not.match(tf, /use_microsoft_graph_api|password_policy|\bclient_secret +=/);
  assert.match(fileOf(r, 'cloud/terraform/versions.tf'), /required_version = ">= 1\.11"/);

  const az = fileOf(r, 'cloud/az.sh');
  // DNS Zone Contributor and Private DNS Zone Contributor, by role definition GUID, as Terraform assigns them.
  assert.match(az, /--role \/subscriptions\/3f2504e0-4f89-41d3-9a0c-0305e82c3301\/providers\/Microsoft\.Authorization\/roleDefinitions\/befefa01-2a29-4197-83a8-272ff33ce314 \\\n\s+--scope \/subscriptions\/3f2504e0-4f89-41d3-9a0c-0305e82c3301\/resourceGroups\/dns\/providers\/Microsoft\.Network\/dnsZones\/lab\.example\n/);
  assert.match(az, /--role \/subscriptions\/3f2504e0-4f89-41d3-9a0c-0305e82c3301\/providers\/Microsoft\.Authorization\/roleDefinitions\/b12aa53e-6015-4669-85d0-8515ebb3ae7f \\\n\s+--scope \/subscriptions\/3f2504e0-4f89-41d3-9a0c-0305e82c3301\/resourceGroups\/dns-private\/providers\/Microsoft\.Network\/privateDnsZones\/team-a\.lab\.example\n/);
});

test('Terraform makes the DNS role assignments az.sh makes, to the service principal of the application', () => {
  const r = renderText(BOTH);
  const tf = fileOf(r, 'cloud/terraform/azure-azuredns.tf');
  assert.match(tf, new RegExp(`data "azuread_application" "azuredns" \\{\\n  client_id = "${CLIENT_ID}"`));
  assert.match(tf, new RegExp(`condition += lower\\(self\\.object_id\\) == "${OBJECT_ID}"`));
  assert.match(tf, new RegExp(`data "azuread_service_principal" "azuredns" \\{\\n  client_id = "${CLIENT_ID}"\\n\\}`));
  const assignments = [...tf.matchAll(/resource "azurerm_role_assignment" "[^"]+" \{\n([\s\S]*?)\n\}/g)].map((m) => m[1] as string);
  assert.is(assignments.length, 2, tf);
  const scopes = assignments.map((a) => /scope += "([^"]+)"/.exec(a)?.[1]);
  assert.equal(scopes, [
    '/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/dns/providers/Microsoft.Network/dnsZones/lab.example',
    '/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/dns-private/providers/Microsoft.Network/privateDnsZones/team-a.lab.example',
  ]);
  assert.match(assignments[0] as string, /role_definition_id += "\/subscriptions\/3f2504e0-4f89-41d3-9a0c-0305e82c3301\/providers\/Microsoft\.Authorization\/roleDefinitions\/befefa01-2a29-4197-83a8-272ff33ce314"/);
  for (const a of assignments) assert.match(a, /principal_id += data\.azuread_service_principal\.azuredns\.object_id\n/);
  // Every grant az.sh makes (role GUID, scope) is in the Terraform, and the other way round.
  const az = fileOf(r, 'cloud/az.sh');
  const scriptGrants = [...az.matchAll(/az role assignment create(?:[^\n\\]|\\\n)*/g)].map((m) => {
    const text = m[0];
    return `${/--role \S*\/roleDefinitions\/(\S+)/.exec(text)?.[1]} ${/--scope (\S+)/.exec(text)?.[1]}`;
  });
  const tfGrants = assignments.map((a) => `${/roleDefinitions\/([0-9a-f-]+)"/.exec(a)?.[1]} ${/scope += "([^"]+)"/.exec(a)?.[1]}`);
  assert.equal(scriptGrants, tfGrants);
  const versions = fileOf(r, 'cloud/terraform/versions.tf');
  assert.match(versions, /azuread = \{/);
  assert.match(versions, /azurerm = \{/);
  const readme = fileOf(r, 'README.md');
  assert.not.match(readme, /Terraform\*\* configures Vault only/);
});

test('sovereign cloud: vault.sh, the Vault and Azure Terraform and az.sh all name it', () => {
  const china = renderText(BOTH.replaceAll('hostedZoneName: lab.example}', 'hostedZoneName: lab.example, environment: AzureChinaCloud}').replace('zoneType: AzurePrivateZone}', 'zoneType: AzurePrivateZone, environment: AzureChinaCloud}'));
  assert.match(fileOf(china, 'cloud/vault.sh'), /environment=AzureChinaCloud \\\n/);
  assert.match(fileOf(china, 'cloud/terraform/vault-azuredns.tf'), /environment += "AzureChinaCloud"/);
  const versions = fileOf(china, 'cloud/terraform/versions.tf');
  assert.match(versions, 'provider "azuread" {\n  environment = "china"\n}');
  assert.match(versions, /provider "azurerm" \{\n  subscription_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"\n  environment     = "china"\n/);
  assert.match(fileOf(china, 'cloud/az.sh'), 'if [ "$az_cloud" != AzureChinaCloud ]; then');
});

test('README names the events VSO really records (VaultClientConfigError, SecretSyncError), not VaultClientError', () => {
  const readme = fileOf(renderText(BOTH), 'README.md');
  for (const reason of ['VaultClientConfigError', 'SecretSyncError', 'SecretLeaseRenewalError', 'SecretSynced', 'SecretRotated', 'RolloutRestartTriggered', 'RolloutRestartFailed']) {
    assert.ok(readme.includes(`\`${reason}\``), `README lacks ${reason}`);
  }
  assert.not.ok(readme.includes('`VaultClientError`'), 'VSO never records VaultClientError for these objects');
  // Not the Cloud DNS / Route53 wording for an Azure DNS solver.
  assert.not.ok(readme.includes('empty credentials; perhaps you meant to enable ambient credentials?'));
});

test('README explains rotation cadence, the restart and how to check them', () => {
  const readme = fileOf(renderText(BOTH), 'README.md');
  for (const phrase of [
    'renewalPercent 67% of the TTL (about every 80 min',
    'about every 48h',
    'AADSTS7000215',
    '2–10',
    'kubectl get vaultauth,vaultdynamicsecret -n cert-manager azuredns',
    'kubectl get vaultauth,vaultdynamicsecret -n team-a azuredns',
    '--field-selector involvedObject.name=azuredns',
    'vso\\.secrets\\.hashicorp\\.com/restartedAt',
    'restarts Deployment cert-manager/cert-manager',
    'namespaced Issuer (in team-a) restarts nothing',
    'Application.ReadWrite.All',
    'export AZURE_CLIENT_SECRET=',
    "Secret `vault-ca` (key `ca.crt`)",
  ]) {
    assert.ok(readme.includes(phrase), `README lacks: ${phrase}`);
  }
});

// ------------------------------------------------------------------------------------ no secrets

/**
 * Shapes of an Entra client secret: the current format (3 characters, a digit, `Q~`, 31–34 more) and the
 * older one (32–44 characters of mixed case, digits and symbols, such as `Ab1+cD2/…`).
 */
const CLIENT_SECRET_SHAPES = [
  /[A-Za-z0-9_.-]{3}[0-9]Q~[A-Za-z0-9_.~-]{31,34}/,
  /(?<![A-Za-z0-9+/_.~@?*:\[\]-])(?=[^\s]*[A-Z])(?=[^\s]*[a-z])(?=[^\s]*[0-9])(?=[^\s]*[+/_.~@?*:\[\]-])[A-Za-z0-9+/_.~@?*:\[\]-]{32,44}={0,2}(?![A-Za-z0-9+/=_.~@?*:\[\]-])/,
];
/** A client_secret given a value that is not a reference (stdin, an environment variable, a Terraform variable). */
const SECRET_ASSIGNMENT = /client_secret(?:_wo)?\s*[=:]\s*(?!-(?:\s|$)|"?\$|var\.)\S+/;

/** Lines that hold something shaped like a client secret. */
function secretLeaks(text: string): string[] {
  return text.split('\n').filter((line) => CLIENT_SECRET_SHAPES.some((s) => s.test(line)) || SECRET_ASSIGNMENT.test(line));
}

test('the secret detector finds planted secrets (control)', () => {
  assert.equal(secretLeaks('x: abc8Q~Zx9yWv7uTs6rQp5oNm4lKj3iHg2fEd1cBa\n').length, 1);
  assert.equal(secretLeaks('client_secret=s3cr3t\n').length, 1);
  assert.equal(secretLeaks('client_secret_wo = "s3cr3t"\n').length, 1);
  assert.equal(secretLeaks('AZURE_CLIENT_SECRET=Ab1+cD2/eF3gH4iJ5kL6mN7oP8qR9sT0uV\n').length, 1);
  assert.equal(secretLeaks('client_secret=-\nclient_secret_wo = var.x\nkey: client_secret\n').length, 0);
});

test('no generated file holds anything shaped like a client secret', () => {
  const trees: [string, Map<string, string>][] = [
    ['example', readTree(join(examplesDir, 'aks-vault-service-principal', 'out'))],
    ...[BOTH, NAMESPACED_ONLY].map((t, i) => [`variant ${i}`, new Map(renderText(t).files.map((f) => [f.path, f.content]))] as [string, Map<string, string>]),
  ];
  let files = 0;
  for (const [name, tree] of trees) {
    for (const [path, text] of tree) {
      // GUIDs are IDs, not secrets: take them out so a GUID run never looks like a random string.
      assert.equal(secretLeaks(text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'GUID')), [], `${name}: ${path}`);
      files++;
    }
  }
  assert.ok(files > 20, `only ${files} files checked`);
});

/** Property names that suggest a secret. */
const SECRET_NAME = /(secret|password|passwd|private.?key|token|credential|key\.?json|access.?key|api.?key|pem)/i;
/** Fields whose names match SECRET_NAME but that hold the *name* of a Kubernetes Secret, reviewed one by one. */
const SECRET_REFERENCES = new Set(['privateKeySecretName', 'caCertSecretRef']);

/** Whether a JSON Schema accepts a string: what a secret value would be. */
function acceptsString(s: Obj): boolean {
  if (s.not !== undefined && Object.keys(s.not).length === 0) return false;
  for (const k of ['anyOf', 'oneOf']) if (Array.isArray(s[k])) return (s[k] as Obj[]).some(acceptsString);
  if (s.type === undefined) return s.properties === undefined && s.items === undefined && s.enum === undefined && s.const === undefined;
  return s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));
}

test('the spec schema has no field that could hold a secret value', () => {
  const schema = z.toJSONSchema(SpecSchema, { io: 'input' }) as Obj;
  const flagged: string[] = [];
  const references: string[] = [];
  let fields = 0;
  const walk = (s: unknown, path: string): void => {
    if (s === null || typeof s !== 'object') return;
    const o = s as Obj;
    for (const [key, sub] of Object.entries((o.properties ?? {}) as Obj)) {
      fields++;
      const at = `${path}.${key}`;
      if (SECRET_NAME.test(key) && acceptsString(sub)) {
        // A reference is a name-shaped string (a DNS-1123 pattern), never free text.
        if (SECRET_REFERENCES.has(key) && sub.type === 'string' && String(sub.pattern ?? '').startsWith('^[a-z0-9]')) references.push(at);
        else flagged.push(at);
      }
      walk(sub, at);
    }
    if (o.items) walk(o.items, `${path}[]`);
    for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(o[k])) for (const sub of o[k]) walk(sub, path);
    if (o.additionalProperties && typeof o.additionalProperties === 'object') walk(o.additionalProperties, `${path}.*`);
  };
  walk(schema, '');
  assert.ok(fields > 50, `walked only ${fields} fields`);
  assert.equal(flagged, []);
  assert.equal(references.sort(), [
    '.certManager.issuers[].acme.privateKeySecretName',
    '.identities[].azureServicePrincipalVault.vault.caCertSecretRef',
  ]);
});

test('the schema walk would flag a secret-shaped field (control)', () => {
  const probe = z.toJSONSchema(z.strictObject({ clientSecret: z.string(), nested: z.strictObject({ apiKey: z.string().optional() }) }), { io: 'input' }) as Obj;
  assert.ok(acceptsString(probe.properties.clientSecret) && SECRET_NAME.test('clientSecret'));
  assert.ok(acceptsString(probe.properties.nested.properties.apiKey) && SECRET_NAME.test('apiKey'));
});

// ------------------------------------------------------------------------------------ bad input

const BAD_HEAD = `${HEAD}identities:
  - name: azuredns
    azureServicePrincipalVault:
      clientID: ${CLIENT_ID}
`;
const BAD_TAIL = `certManager:
  identity: azuredns
  issuers:
${CLUSTER_ISSUER}`;
const VAULT = `      vault:
        address: http://vault.vault.svc.cluster.local:8200
        azure: {config: {clientID: ${VAULT_CLIENT_ID}}}
`;

const badCases: { name: string; spec: string; stderr: string[] }[] = [
  {
    name: 'missing application object ID',
    spec: `${BAD_HEAD}      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47\n${VAULT}${BAD_TAIL}`,
    stderr: ['spec.yaml:8:7: identities[0].azureServicePrincipalVault.applicationObjectID: is required'],
  },
  {
    name: 'params requested',
    spec: `${BAD_HEAD}      applicationObjectID: ${OBJECT_ID}\n      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47\n${VAULT}      vaultDynamicSecret:\n        params: {scope: dns}\n${BAD_TAIL}`,
    stderr: [
      'spec.yaml:15:17: identities[0].azureServicePrincipalVault.vaultDynamicSecret.params: is not allowed: Vault serves azure/creds/ROLE for reads only, and VSO sends a PUT whenever params is set, which Vault rejects; the role in vault.azure fixes everything a lease gets',
    ],
  },
  {
    name: 'restart target kind VSO does not support',
    spec: `${BAD_HEAD}      applicationObjectID: ${OBJECT_ID}\n      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47\n${VAULT}      vaultDynamicSecret:\n        rolloutRestartTargets: [{kind: CronJob, name: cert-manager}]\n${BAD_TAIL}`,
    stderr: [
      'spec.yaml:15:40: identities[0].azureServicePrincipalVault.vaultDynamicSecret.rolloutRestartTargets[0].kind: must be one of "Deployment", "DaemonSet", "StatefulSet", "argo.Rollout", got "CronJob"',
    ],
  },
  {
    name: 'restart target outside the VaultDynamicSecret namespace',
    spec: `${BAD_HEAD}      applicationObjectID: ${OBJECT_ID}\n      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47\n${VAULT}      vaultDynamicSecret:\n        rolloutRestartTargets: [{kind: Deployment, name: web, namespace: shop}]\n${BAD_TAIL}`,
    stderr: [
      "spec.yaml:15:74: identities[0].azureServicePrincipalVault.vaultDynamicSecret.rolloutRestartTargets[0].namespace: VSO restarts only workloads in the VaultDynamicSecret's own namespace (cert-manager), not in shop",
    ],
  },
  {
    name: 'a client secret in the spec',
    spec: `${BAD_HEAD}      clientSecret: abc8Q~Zx9yWv7uTs6rQp5oNm4lKj3iHg2fEd1cBa\n      applicationObjectID: ${OBJECT_ID}\n      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47\n${VAULT}${BAD_TAIL}`,
    stderr: [
      'spec.yaml:9:7: identities[0].azureServicePrincipalVault.clientSecret: "clientSecret" looks like a secret value; wi-gen specs never hold secrets. Reference a Kubernetes Secret or a Vault path instead, or use a keyless identity method',
    ],
  },
  {
    name: 'object ID equal to client ID, no tenant, ttl over maxTTL, CA over http',
    spec: `${BAD_HEAD}      applicationObjectID: ${CLIENT_ID}
      vault:
        address: http://vault.vault.svc.cluster.local:8200
        caCertSecretRef: vault-ca
        azure: {ttl: 2d, maxTTL: 1d, config: {clientID: ${VAULT_CLIENT_ID}}}
${BAD_TAIL}`,
    stderr: [
      'spec.yaml:8:7: identities[0].azureServicePrincipalVault.tenantID: is required when the cluster has no aks block to take it from',
      'spec.yaml:9:28: identities[0].azureServicePrincipalVault.applicationObjectID: equals clientID; the object ID of an application differs from its client ID (`az ad app show --id CLIENT_ID --query id -o tsv`)',
      'spec.yaml:12:26: identities[0].azureServicePrincipalVault.vault.caCertSecretRef: needs an https:// vault.address; over http there is no certificate to check',
      'spec.yaml:13:22: identities[0].azureServicePrincipalVault.vault.azure.ttl: is longer than maxTTL (1d); Vault rejects the role',
    ],
  },
  {
    name: 'bound to a ServiceAccount',
    spec: `${BAD_HEAD}      applicationObjectID: ${OBJECT_ID}\n      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47\n${VAULT}bindings:\n  - identity: azuredns\n    serviceAccount: {namespace: shop, name: web}\n${BAD_TAIL}`,
    stderr: [
      "spec.yaml:15:15: bindings[0].identity: identity \"azuredns\" (azureServicePrincipalVault) delivers a client secret to cert-manager's azureDNS solver through a Secret; it cannot be bound to a ServiceAccount",
    ],
  },
  {
    name: 'serves no issuer',
    spec: `${BAD_HEAD}      applicationObjectID: ${OBJECT_ID}\n      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47\n${VAULT}`,
    stderr: [
      'spec.yaml:8:7: identities[0].azureServicePrincipalVault: identity "azuredns" serves no cert-manager issuer; azureServicePrincipalVault only feeds an issuer\'s azureDNS solver',
    ],
  },
];

cliTable('bad spec', badCases.map((c) => badSpec(c.name, c.spec, c.stderr)));

test('warnings: short maxTTL and plain http outside the cluster', () => {
  const dir = tmpDir('wi-gen-vault-warn-');
  const text = `${BAD_HEAD}      applicationObjectID: ${OBJECT_ID}
      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47
      vault:
        address: http://vault.lab.example:8200
        azure: {ttl: 10m, maxTTL: 30m, config: {clientID: ${VAULT_CLIENT_ID}}}
${BAD_TAIL}`;
  writeFileSync(join(dir, 'spec.yaml'), text);
  const r = wiGen(['spec.yaml'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('wi-gen: this stream')), [
    'spec.yaml:12:18: identities[0].azureServicePrincipalVault.vault.address: warning: plain http outside the cluster: the Vault token and every client secret cross the network unencrypted; use https',
    'spec.yaml:13:35: identities[0].azureServicePrincipalVault.vault.azure.maxTTL: warning: a new client secret every 30m: Azure takes minutes to accept a new secret everywhere (AADSTS7000215 until then), so each rotation can fail a few challenges; prefer hours',
  ]);
});

// ------------------------------------------------------------------------------------ scripts

const exampleOut = join(examplesDir, 'aks-vault-service-principal', 'out');

test('generated scripts pass bash -n and ShellCheck', () => {
  const scripts = [join(exampleOut, 'cloud', 'vault.sh'), join(exampleOut, 'cloud', 'az.sh')];
  const dir = tmpDir('wi-gen-vault-sh-');
  const variant = renderText(BOTH);
  for (const f of variant.files.filter((x) => x.path.endsWith('.sh'))) {
    const p = join(dir, f.path.replace('/', '-'));
    writeFileSync(p, f.content);
    scripts.push(p);
  }
  for (const s of scripts) {
    const r = run('bash', ['-n', s]);
    assert.is(r.code, 0, `${s}: ${r.stderr}`);
  }
  if (!hasTool('shellcheck')) return;
  const r = run('shellcheck', ['--severity=style', ...scripts]);
  assert.is(r.code, 0, r.stdout + r.stderr);
});

/** A `vault` stub that logs each call's argv, and the stdin of calls that read it, to $LOG. */
const VAULT_STUB = `#!/usr/bin/env bash
{ printf 'ARGV'; printf ' %s' "$@"; printf '\\n'; } >>"$LOG"
case "$1 $2" in
  'secrets list') if [ -n "\${MOUNTED:-}" ]; then printf '{"azure/": {"type": "azure"}}\\n'; else printf '{"secret/": {}}\\n'; fi ;;
  'read -field=client_id')
    # As the real CLI: a 404 prints "No value found at PATH", any other failure "Error reading PATH: …"; both exit 2.
    if [ -n "\${READ_ERROR:-}" ]; then printf 'Error reading %s: Error making API request.\n\nCode: %s. Errors:\n\n* permission denied\n' "$3" "$READ_ERROR" >&2; exit 2; fi
    if [ -z "\${CONFIGURED:-}" ]; then printf 'No value found at %s\n' "$3" >&2; exit 2; fi
    printf '%s' "$CONFIGURED" ;;
esac
for a in "$@"; do
  if [ "$a" = - ] || [ "$a" = client_secret=- ]; then printf 'STDIN %s\\n' "$(cat)" >>"$LOG"; fi
done
`;

function runVaultScript(env: Record<string, string | undefined>) {
  const dir = tmpDir('wi-gen-vault-run-');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'vault'), VAULT_STUB);
  chmodSync(join(dir, 'bin', 'vault'), 0o755);
  const log = join(dir, 'log');
  writeFileSync(log, '');
  const r = run('bash', [join(exampleOut, 'cloud', 'vault.sh')], {
    env: { PATH: `${join(dir, 'bin')}:${process.env['PATH']}`, LOG: log, AZURE_CLIENT_SECRET: undefined, MOUNTED: undefined, CONFIGURED: undefined, READ_ERROR: undefined, ...env },
  });
  return { ...r, log: readFileSync(log, 'utf8') };
}

test('vault.sh, first run: enables the engine, pipes the secret through stdin (never argv), rotates root', () => {
  const secret = 'abc8Q~only-in-the-environment-0123456789ab';
  const r = runVaultScript({ AZURE_CLIENT_SECRET: secret });
  assert.is(r.code, 0, r.stderr);
  const argv = r.log.split('\n').filter((l) => l.startsWith('ARGV'));
  assert.ok(argv.includes('ARGV secrets enable -path=azure azure'), r.log);
  assert.ok(argv.every((l) => !l.includes(secret)), 'secret in argv');
  assert.ok(r.log.includes(`STDIN ${secret}\n`), 'secret not on stdin');
  const config = argv.find((l) => l.startsWith('ARGV write azure/config')) as string;
  assert.is(config, `ARGV write azure/config subscription_id=3f2504e0-4f89-41d3-9a0c-0305e82c3301 tenant_id=72f988bf-86f1-41af-91ab-2d7cd011db47 client_id=${VAULT_CLIENT_ID} client_secret=-`);
  assert.ok(argv.indexOf('ARGV write -f azure/rotate-root') > argv.indexOf(config));
  assert.ok(argv.some((l) => l.startsWith('ARGV write auth/kubernetes/role/azuredns ')));
});

test('vault.sh without AZURE_CLIENT_SECRET on first run: stops before configuring, says what to export', () => {
  const r = runVaultScript({});
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /AZURE_CLIENT_SECRET: export AZURE_CLIENT_SECRET with the client secret of 1c3e5a7b-9d2f-4b6a-8c0e-2f4a6b8c0d1e/);
  assert.not.match(r.log, /write azure\/config/);
});

test('vault.sh re-run: skips the enabled mount and the configured engine, needs no secret', () => {
  const r = runVaultScript({ MOUNTED: '1', CONFIGURED: VAULT_CLIENT_ID });
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.log, /secrets enable|write azure\/config|rotate-root/);
  assert.match(r.log, /ARGV write azure\/roles\/azuredns application_object_id=9a7c5e3b-1d2f-4e6a-8b0c-2d4e6f8a0b1c ttl=1h max_ttl=24h\n/);
  assert.match(r.log, /STDIN # VSO reads a new client secret\npath "azure\/creds\/azuredns"/);
});

test('vault.sh refuses an engine configured for another principal', () => {
  const r = runVaultScript({ MOUNTED: '1', CONFIGURED: '00000000-0000-0000-0000-000000000000' });
  assert.is(r.code, 1);
  assert.match(r.stderr, /azure\/config signs in as 00000000-0000-0000-0000-000000000000, not 1c3e5a7b-9d2f-4b6a-8c0e-2f4a6b8c0d1e; to switch, run: vault delete azure\/config/);
  assert.not.match(r.log, /roles\/azuredns/);
});

test('vault.sh: a read of azure/config that fails for another reason than 404 stops the script, secret or not', () => {
  for (const code of ['403', '500', '503']) {
    const r = runVaultScript({ MOUNTED: '1', READ_ERROR: code, AZURE_CLIENT_SECRET: 'abc8Q~only-in-the-environment-0123456789ab' });
    assert.is(r.code, 1, `${code}: ${r.stderr}`);
    assert.match(r.stderr, /wi-gen: cannot read azure\/config, so cannot tell whether it is configured; stopping rather than overwrite it:/);
    assert.match(r.stderr, new RegExp(`Code: ${code}\\.`));
    assert.not.match(r.log, /write azure\/config|rotate-root|roles\/azuredns/);
  }
  // A 404 is the one "absent": the engine gets configured.
  const absent = runVaultScript({ MOUNTED: '1', AZURE_CLIENT_SECRET: 'abc8Q~only-in-the-environment-0123456789ab' });
  assert.is(absent.code, 0, absent.stderr);
  assert.match(absent.log, /ARGV write azure\/config /);
});

if (hasTool('terraform')) {
  test('Terraform of the variants is terraform fmt clean', () => {
    const dir = tmpDir('wi-gen-vault-tf-');
    for (const f of renderText(BOTH).files.filter((x) => x.path.endsWith('.tf'))) writeFileSync(join(dir, f.path.split('/').pop() as string), f.content);
    const r = run('terraform', ['fmt', '-check', '-diff', dir]);
    assert.is(r.code, 0, r.stdout + r.stderr);
  });
}

// ------------------------------------------------------------------------------------ template

test('template: refused until filled, renders once filled', () => {
  const template = readFileSync(join(repoRoot, 'templates', 'aks-vault-service-principal.yaml'), 'utf8');
  assert.ok(template.startsWith('# yaml-language-server: $schema=../schema/wi-gen.schema.json\n'));
  const dir = tmpDir('wi-gen-vault-template-');
  writeFileSync(join(dir, 'spec.yaml'), template);
  const unfilled = wiGen(['spec.yaml'], { cwd: dir });
  assert.is(unfilled.code, 2);
  const values = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, unknown>;
  const placeholders = [...new Set([...template.replace(/#.*$/gm, '').matchAll(/<([A-Z][A-Z0-9_]*)>/g)].map((m) => m[1] as string))];
  // Every placeholder outside comments makes the spec invalid on its own line.
  for (const p of placeholders) assert.ok(unfilled.stderr.split('\n').some((l) => template.split('\n')[Number(l.split(':')[1]) - 1]?.includes(`<${p}>`)), `<${p}> passes validation unfilled`);
  const filled = template.replace(/<([A-Z][A-Z0-9_]*)>/g, (m, key: string) => (key in values ? String(values[key]) : m));
  writeFileSync(join(dir, 'spec.yaml'), filled);
  const r = wiGen(['spec.yaml'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const docs = yamlDocs(r.stdout);
  assert.equal(docs.map((d) => d.kind), ['VaultConnection', 'ServiceAccount', 'VaultAuth', 'VaultDynamicSecret', 'ClusterIssuer']);
  for (const d of docs) assert.equal(validateKubernetesObject(d), []);
});

test('example: renders as committed (sanity, the full check is in examples.test.ts)', () => {
  const r = renderFile(join(examplesDir, 'aks-vault-service-principal', 'spec.yaml'));
  assert.ok(r.files.some((f) => f.path === 'manifests/vault-secrets-operator.yaml'));
  assert.is(r.stream.includes('kind: VaultDynamicSecret'), true);
});

test.run();
