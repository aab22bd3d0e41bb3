// The specs the cloud-half conformance tests run over: every example, every template filled in
// from test/fixtures/template-values.yaml (as templates.test.ts fills them), and a generated
// matrix that turns on every option of every identity method at least once. Other tests import
// `specMatrix()` / `renderedMatrix()` to check their own property over the same set.
//
// The generated specs are small on purpose: each one exercises several options together, so the
// whole matrix stays around 35 specs and the CLI checks that run over it stay fast.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PLACEHOLDER } from '../../src/spec/placeholders.js';
import type { Rendered } from '../../src/render.js';
import { exampleNames, examplesDir, renderText, repoRoot } from './wi-gen.js';
import { loadSpec } from '../../src/spec/load.js';
import { render } from '../../src/render.js';
import { GRANT_RECORD_FILE, parseGrantRecord } from '../../src/lifecycle/record.js';

export type MatrixOrigin = 'example' | 'template' | 'generated';

export interface MatrixSpec {
  /** Unique, e.g. `example/gke-cert-manager`, `template/gke`, `generated/gke-direct-principal`. */
  readonly name: string;
  readonly origin: MatrixOrigin;
  /** The identity method keys the spec uses. */
  readonly methods: readonly string[];
  readonly text: string;
}

export interface RenderedSpec extends MatrixSpec {
  readonly rendered: Rendered;
  /** Rendered file content by path. */
  readonly files: ReadonlyMap<string, string>;
}

const templatesDir = join(repoRoot, 'templates');

function methodsOf(text: string): string[] {
  const spec = parse(text) as { identities?: Record<string, unknown>[] };
  const keys = new Set<string>();
  for (const identity of spec.identities ?? []) for (const k of Object.keys(identity)) if (k !== 'name') keys.add(k);
  return [...keys].sort();
}

function fillTemplate(text: string): string {
  const values = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, unknown>;
  return text.replace(PLACEHOLDER, (t) => {
    // Tokens without a value are in comments (templates.test.ts proves the body has values).
    const key = t.slice(1, -1);
    return key in values ? String(values[key]) : t;
  });
}

const spec = (cluster: Record<string, unknown>, rest: Record<string, unknown>): string =>
  stringify({ apiVersion: 'wi-gen.dev/v1alpha1', kind: 'WorkloadIdentitySpec', cluster, ...rest });

const acme = { server: 'letsencrypt-staging', email: 'ops@matrix.example' };

// IDs: each value only needs to be well-formed and distinct where the spec compares them.
const SUB = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const DNS_SUB = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';
const ISSUER_URL = 'https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/22222222-2222-2222-2222-222222222222/';
const aks = { oidcIssuerURL: ISSUER_URL, tenantID: TENANT, subscriptionID: SUB, resourceGroup: 'rg-aks' };

const gkeCluster = (extra: Record<string, unknown> = {}) => ({ project: 'matrix-prod', projectNumber: '123456789012', location: 'europe-west1', ...extra });
const eks = (region: string, account: string, partition = 'aws', suffix = '') => ({
  accountID: account,
  region,
  oidcProviderARN: `arn:${partition}:iam::${account}:oidc-provider/oidc.eks.${region}.amazonaws.com${suffix}/id/0123456789ABCDEF0123456789ABCDEF`,
});

/**
 * `create: false` for an AWS identity (an existing role) where the schema has that option, so
 * the matrix covers it as soon as the method offers it and still renders where it does not.
 */
function existingAwsRole(method: string): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'wi-gen.schema.json'), 'utf8')) as {
    properties: { identities: { items: { properties: Record<string, { properties?: Record<string, unknown> }> } } };
  };
  return schema.properties.identities.items.properties[method]?.properties?.['create'] ? { create: false } : {};
}

/** Spec text per generated case; each case names the options it turns on. */
const GENERATED: Record<string, string> = {
  // GKE impersonation: created GSA, least-privilege custom role, a zone-level grant in another
  // project and a project-wide one, Config Connector, Autopilot, namespaced Issuer, rolesProject.
  'gke-impersonation-all-options': spec(
    { name: 'matrix-gke', gke: gkeCluster({ autopilot: true }) },
    {
      identities: [
        {
          name: 'dns01-solver',
          gke: {
            serviceAccount: 'dns01-solver@matrix-prod.iam.gserviceaccount.com',
            create: true,
            displayName: 'cert-manager DNS-01',
            dnsRole: 'leastPrivilege',
            configConnector: { namespace: 'config-control' },
          },
        },
        {
          name: 'storefront',
          gke: {
            serviceAccount: 'storefront@matrix-apps.iam.gserviceaccount.com',
            roles: ['roles/storage.objectViewer', 'projects/matrix-data/roles/reader'],
            rolesProject: 'matrix-data',
            configConnector: { namespace: 'config-control' },
          },
        },
      ],
      bindings: [
        { identity: 'storefront', serviceAccount: { namespace: 'shop', name: 'web' }, workloads: [{ kind: 'Deployment', name: 'web' }] },
        { identity: 'storefront', serviceAccount: { namespace: 'shop-jobs', name: 'sync', create: false }, workloads: [{ kind: 'CronJob', name: 'sync' }] },
      ],
      certManager: {
        install: 'manifests',
        identity: 'dns01-solver',
        issuerAmbientCredentials: true,
        issuers: [
          { name: 'zone', acme, dns01: { zones: ['matrix.example'], cloudDNS: { project: 'matrix-dns', hostedZoneName: 'matrix-example' } } },
          { name: 'project', kind: 'Issuer', namespace: 'shop', acme, dns01: { cloudDNS: { project: 'matrix-prod' } } },
        ],
      },
    },
  ),
  // GKE impersonation with an existing GSA, roles/dns.admin project-wide, Config Connector.
  'gke-impersonation-existing-admin': spec(
    { name: 'matrix-gke', gke: gkeCluster({ metadataServerNodeSelector: true }) },
    {
      identities: [
        { name: 'dns', gke: { serviceAccount: 'dns-admin@matrix-prod.iam.gserviceaccount.com', roles: ['roles/monitoring.viewer'], configConnector: { namespace: 'cnrm' } } },
      ],
      certManager: { identity: 'dns', issuers: [{ name: 'le', acme, dns01: { cloudDNS: { project: 'matrix-prod' } } }] },
    },
  ),
  // GKE direct principal: several namespaces, zone-level and project-wide grants, least privilege, roles, Config Connector.
  'gke-direct-principal-all-options': spec(
    { name: 'matrix-gke', gke: gkeCluster() },
    {
      identities: [
        {
          name: 'direct',
          gke: { mode: 'directPrincipal', dnsRole: 'leastPrivilege', roles: ['roles/pubsub.publisher'], rolesProject: 'matrix-data', configConnector: { namespace: 'cnrm' } },
        },
      ],
      bindings: [
        { identity: 'direct', serviceAccount: { namespace: 'team-a', name: 'app' }, workloads: [{ kind: 'Deployment', name: 'app' }] },
        { identity: 'direct', serviceAccount: { namespace: 'team-b', name: 'worker' }, workloads: [{ kind: 'StatefulSet', name: 'worker' }] },
      ],
      certManager: {
        identity: 'direct',
        issuers: [
          { name: 'zone', acme, dns01: { cloudDNS: { project: 'matrix-dns', hostedZoneName: 'matrix-example' } } },
          { name: 'project', acme, dns01: { cloudDNS: { project: 'matrix-dns' } } },
        ],
      },
    },
  ),
  // GKE direct principal with roles/dns.admin on one zone.
  'gke-direct-principal-admin-zone': spec(
    { name: 'matrix-gke', gke: gkeCluster({ autopilot: true }) },
    {
      identities: [{ name: 'direct', gke: { mode: 'directPrincipal' } }],
      certManager: { install: 'manifests', identity: 'direct', issuers: [{ name: 'le', acme, dns01: { cloudDNS: { project: 'matrix-prod', hostedZoneName: 'prod-zone' } } }] },
    },
  ),
  // AKS workload identity: created identity, explicit tenant, token expiration, ASO, built-in and
  // GUID roles; an existing identity with principalID and ASO; public zone, private zone, RG scope.
  'aks-workload-identity-all-options': spec(
    { name: 'matrix-aks', aks },
    {
      identities: [
        {
          name: 'dns01-solver',
          azureWorkloadIdentity: {
            name: 'id-dns01',
            resourceGroup: 'rg-identities',
            create: true,
            location: 'westeurope',
            clientID: '44444444-4444-4444-8444-444444444444',
            tenantID: TENANT,
            tokenExpiration: 7200,
            serviceOperator: { namespace: 'azureserviceoperator-system' },
          },
        },
        {
          name: 'reader',
          azureWorkloadIdentity: {
            resourceGroup: 'rg-identities',
            clientID: '66666666-6666-4666-8666-666666666666',
            principalID: '77777777-7777-4777-8777-777777777777',
            serviceOperator: { namespace: 'azureserviceoperator-system' },
            roles: [
              { role: 'Storage Blob Data Reader', scope: `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stmatrix` },
              { role: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', scope: `/subscriptions/${SUB}/resourceGroups/rg-data` },
            ],
          },
        },
      ],
      bindings: [
        { identity: 'reader', serviceAccount: { namespace: 'team-a', name: 'reader' }, workloads: [{ kind: 'Deployment', name: 'reader' }] },
        { identity: 'reader', serviceAccount: { namespace: 'team-b', name: 'reader', create: false }, workloads: [{ kind: 'Job', name: 'export' }] },
      ],
      certManager: {
        identity: 'dns01-solver',
        issuers: [
          { name: 'public', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', hostedZoneName: 'matrix.example' } } },
          { name: 'private', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-private-dns', hostedZoneName: 'internal.matrix.example', zoneType: 'AzurePrivateZone' } } },
          { name: 'group', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns-all' } } },
        ],
      },
    },
  ),
  // Sovereign clouds through workload identity.
  'aks-workload-identity-china': spec(
    { name: 'matrix-aks', aks },
    {
      identities: [{ name: 'dns', azureWorkloadIdentity: { resourceGroup: 'rg-id', clientID: '88888888-8888-4888-8888-888888888888' } }],
      certManager: { identity: 'dns', issuers: [{ name: 'cn', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', environment: 'AzureChinaCloud' } } }] },
    },
  ),
  'aks-workload-identity-usgov': spec(
    { name: 'matrix-aks', aks },
    {
      identities: [{ name: 'dns', azureWorkloadIdentity: { resourceGroup: 'rg-id', clientID: '88888888-8888-4888-8888-888888888888' } }],
      certManager: { identity: 'dns', issuers: [{ name: 'gov', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', hostedZoneName: 'gov.matrix.example', environment: 'AzureUSGovernmentCloud' } } }] },
    },
  ),
  // Kubelet identity picked by clientID, by resourceID, and given by objectID.
  'aks-kubelet-client-id': spec(
    { name: 'matrix-aks', aks },
    {
      identities: [{ name: 'kubelet', azureKubeletIdentity: { clientID: '99999999-9999-4999-8999-999999999999' } }],
      certManager: { identity: 'kubelet', issuers: [{ name: 'le', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', hostedZoneName: 'matrix.example' } } }] },
    },
  ),
  'aks-kubelet-resource-id': spec(
    { name: 'matrix-aks', aks },
    {
      identities: [
        { name: 'kubelet', azureKubeletIdentity: { resourceID: `/subscriptions/${SUB}/resourceGroups/MC_rg-aks_matrix-aks_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/matrix-aks-agentpool` } },
      ],
      certManager: { identity: 'kubelet', issuers: [{ name: 'le', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', zoneType: 'AzurePrivateZone' } } }] },
    },
  ),
  'aks-kubelet-object-id': spec(
    { name: 'matrix-aks', aks: { tenantID: TENANT } },
    {
      identities: [{ name: 'kubelet', azureKubeletIdentity: { objectID: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' } }],
      certManager: { identity: 'kubelet', issuers: [{ name: 'le', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', environment: 'AzureUSGovernmentCloud' } } }] },
    },
  ),
  // AAD Pod Identity with a selector, roles, several namespaces.
  'aad-pod-identity-all-options': spec(
    { name: 'matrix-aks', aks },
    {
      identities: [
        {
          name: 'legacy',
          aadPodIdentity: {
            resourceID: `/subscriptions/${SUB}/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-legacy`,
            clientID: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
            selector: 'legacy-sel',
            roles: [{ role: 'Reader', scope: `/subscriptions/${SUB}/resourceGroups/rg-data` }],
          },
        },
      ],
      bindings: [
        { identity: 'legacy', serviceAccount: { namespace: 'team-a', name: 'app' }, workloads: [{ kind: 'Deployment', name: 'app' }] },
        { identity: 'legacy', serviceAccount: { namespace: 'team-b', name: 'app' }, workloads: [{ kind: 'DaemonSet', name: 'agent' }] },
      ],
      certManager: { identity: 'legacy', issuers: [{ name: 'le', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', hostedZoneName: 'matrix.example' } } }] },
    },
  ),
  // Vault service principal: every Vault and VSO option, a sovereign cloud, a private zone, a namespaced Issuer.
  'vault-service-principal-all-options': spec(
    { name: 'matrix-vault', aks: { tenantID: TENANT } },
    {
      identities: [
        {
          name: 'azuredns',
          azureServicePrincipalVault: {
            clientID: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
            applicationObjectID: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
            tenantID: OTHER_TENANT,
            vault: {
              address: 'https://vault.matrix.example:8200',
              caCertSecretRef: 'vault-ca',
              kubernetesAuth: { mount: 'clusters/matrix/kubernetes', role: 'cert-manager-dns', audience: 'vault.matrix', serviceAccount: 'vso-dns' },
              azure: {
                mount: 'clusters/matrix/azure',
                role: 'dns01',
                ttl: '2h',
                maxTTL: '12h',
                explicitMaxTTL: '1d',
                config: { clientID: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee', subscriptionID: SUB, rotateRoot: false },
              },
            },
            vaultDynamicSecret: {
              destinationName: 'azure-dns-sp',
              renewalPercent: 50,
              rolloutRestartTargets: [
                { kind: 'Deployment', name: 'cert-manager' },
                { kind: 'Deployment', name: 'web', namespace: 'team-a' },
                { kind: 'DaemonSet', name: 'agent', namespace: 'team-a' },
                { kind: 'StatefulSet', name: 'db', namespace: 'team-a' },
                { kind: 'argo.Rollout', name: 'canary', namespace: 'team-a' },
              ],
            },
          },
        },
      ],
      certManager: {
        identity: 'azuredns',
        issuers: [
          { name: 'gov', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns', hostedZoneName: 'gov.matrix.example', environment: 'AzureUSGovernmentCloud', zoneType: 'AzurePrivateZone' } } },
          { name: 'team-a', kind: 'Issuer', namespace: 'team-a', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns-team-a', environment: 'AzureUSGovernmentCloud' } } },
        ],
      },
    },
  ),
  // Vault service principal on a cluster without an aks block, rotate-root on, defaults elsewhere.
  'vault-service-principal-defaults': spec(
    { name: 'matrix-vault' },
    {
      identities: [
        {
          name: 'azuredns',
          azureServicePrincipalVault: {
            clientID: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
            applicationObjectID: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
            tenantID: TENANT,
            vault: { address: 'http://vault.vault.svc.cluster.local:8200', azure: { config: { clientID: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee', rotateRoot: true } } },
          },
        },
      ],
      certManager: { identity: 'azuredns', issuers: [{ name: 'le', acme, dns01: { azureDNS: { subscriptionID: DNS_SUB, resourceGroupName: 'rg-dns' } } }] },
    },
  ),
  // IRSA with hosted zone IDs, managed policies, a role path, an EKS cluster name, several namespaces.
  'eks-irsa-hosted-zones': spec(
    { name: 'matrix-eks', eks: { ...eks('eu-west-1', '111122223333'), clusterName: 'matrix-eks-eu' } },
    {
      identities: [
        { name: 'dns', awsIrsa: { roleARN: 'arn:aws:iam::111122223333:role/dns/matrix-route53' } },
        {
          name: 'app',
          awsIrsa: { ...existingAwsRole('awsIrsa'), roleARN: 'arn:aws:iam::111122223333:role/matrix-app', policyARNs: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::111122223333:policy/team/app-read'] },
        },
      ],
      bindings: [
        { identity: 'app', serviceAccount: { namespace: 'team-a', name: 'app', automountToken: true }, workloads: [{ kind: 'Deployment', name: 'app' }] },
        { identity: 'app', serviceAccount: { namespace: 'team-b', name: 'app', create: false }, workloads: [{ kind: 'CronJob', name: 'report' }] },
      ],
      certManager: {
        // cert-manager installed under other names than the release manifest's.
        namespace: 'certs',
        serviceAccount: 'cm-controller',
        deployment: 'cm-controller',
        container: 'controller',
        identity: 'dns',
        issuers: [
          { name: 'a', acme: { ...acme, privateKeySecretName: 'acme-a-key' }, dns01: { route53: { hostedZoneID: 'Z0123456789ABCDEFGHIJ', region: 'eu-west-1' } } },
          { name: 'b', acme, dns01: { route53: { hostedZoneID: 'Z9876543210ABCDEFGHIJ' } } },
        ],
      },
    },
  ),
  // IRSA without hosted zone IDs (the lookup permission), in the China partition.
  'eks-irsa-no-zone-china': spec(
    { name: 'matrix-eks', eks: eks('cn-north-1', '111122223333', 'aws-cn', '.cn') },
    {
      identities: [{ name: 'dns', awsIrsa: { roleARN: 'arn:aws-cn:iam::111122223333:role/matrix-route53' } }],
      certManager: { identity: 'dns', issuers: [{ name: 'le', acme, dns01: { route53: {} } }] },
    },
  ),
  // Pod Identity with and without hosted zone IDs, managed policies, an EKS cluster name.
  'eks-pod-identity-mixed-zones': spec(
    { name: 'matrix-eks', eks: { accountID: '111122223333', region: 'us-east-2', clusterName: 'matrix-eks-use2' } },
    {
      identities: [
        { name: 'dns', awsPodIdentity: { roleARN: 'arn:aws:iam::111122223333:role/matrix-route53' } },
        { name: 'worker', awsPodIdentity: { ...existingAwsRole('awsPodIdentity'), roleARN: 'arn:aws:iam::111122223333:role/team/matrix-worker', policyARNs: ['arn:aws:iam::aws:policy/AmazonSQSFullAccess'] } },
      ],
      bindings: [
        { identity: 'worker', serviceAccount: { namespace: 'jobs', name: 'worker' }, workloads: [{ kind: 'Deployment', name: 'worker' }] },
        { identity: 'worker', serviceAccount: { namespace: 'jobs-b', name: 'worker' }, workloads: [{ kind: 'Job', name: 'once' }] },
      ],
      certManager: {
        identity: 'dns',
        issuers: [
          { name: 'zone', acme, dns01: { route53: { hostedZoneID: 'Z0123456789ABCDEFGHIJ' } } },
          { name: 'any', acme, dns01: { route53: { region: 'us-east-2' } } },
        ],
      },
    },
  ),
  // Pod Identity in GovCloud with one hosted zone.
  'eks-pod-identity-govcloud': spec(
    { name: 'matrix-eks', eks: { accountID: '111122223333', region: 'us-gov-west-1' } },
    {
      identities: [{ name: 'dns', awsPodIdentity: { roleARN: 'arn:aws-us-gov:iam::111122223333:role/matrix-route53' } }],
      certManager: { identity: 'dns', issuers: [{ name: 'le', acme, dns01: { route53: { hostedZoneID: 'Z0123456789ABCDEFGHIJ' } } }] },
    },
  ),
  // Dedicated ServiceAccounts: custom audience and name, namespaced Issuers in two namespaces and a ClusterIssuer, with and without zones.
  'eks-dedicated-serviceaccount-all-options': spec(
    { name: 'matrix-eks', eks: eks('eu-central-1', '444455556666') },
    {
      identities: [
        { name: 'dns', awsServiceAccountRef: { roleARN: 'arn:aws:iam::444455556666:role/tenants/matrix-route53', serviceAccountName: 'route53-dns01', audience: 'matrix-sts' } },
      ],
      certManager: {
        identity: 'dns',
        issuers: [
          { name: 'team-a', kind: 'Issuer', namespace: 'team-a', acme, dns01: { route53: { hostedZoneID: 'Z0TEAMA00000000000000', region: 'eu-west-1' } } },
          { name: 'team-b', kind: 'Issuer', namespace: 'team-b', acme, dns01: { route53: {} } },
          { name: 'cluster', acme, dns01: { route53: { hostedZoneID: 'Z0CLUSTER000000000000' } } },
        ],
      },
    },
  ),
  // Dedicated ServiceAccount in GovCloud with the default audience.
  'eks-dedicated-serviceaccount-govcloud': spec(
    { name: 'matrix-eks', eks: eks('us-gov-west-1', '444455556666', 'aws-us-gov') },
    {
      identities: [{ name: 'dns', awsServiceAccountRef: { ...existingAwsRole('awsServiceAccountRef'), roleARN: 'arn:aws-us-gov:iam::444455556666:role/matrix-route53' } }],
      certManager: { identity: 'dns', issuers: [{ name: 'le', acme, dns01: { route53: { hostedZoneID: 'Z0123456789ABCDEFGHIJ' } } }] },
    },
  ),
};

let cachedSpecs: MatrixSpec[] | undefined;

/** Every spec of the matrix, examples first, then templates, then the generated cases. */
export function specMatrix(): readonly MatrixSpec[] {
  if (cachedSpecs) return cachedSpecs;
  const out: MatrixSpec[] = [];
  for (const name of exampleNames()) {
    const text = readFileSync(join(examplesDir, name, 'spec.yaml'), 'utf8');
    out.push({ name: `example/${name}`, origin: 'example', methods: methodsOf(text), text });
  }
  for (const file of readdirSync(templatesDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const text = fillTemplate(readFileSync(join(templatesDir, file), 'utf8'));
    out.push({ name: `template/${file.replace(/\.yaml$/, '')}`, origin: 'template', methods: methodsOf(text), text });
  }
  for (const [name, text] of Object.entries(GENERATED)) out.push({ name: `generated/${name}`, origin: 'generated', methods: methodsOf(text), text });
  cachedSpecs = out;
  return out;
}

let cachedRendered: RenderedSpec[] | undefined;

/** The matrix rendered in-process; throws with the spec name when one of them is invalid. */
export function renderedMatrix(): readonly RenderedSpec[] {
  if (cachedRendered) return cachedRendered;
  cachedRendered = specMatrix().map((s) => {
    let rendered: Rendered;
    try {
      rendered = renderText(s.text, `${s.name}.yaml`);
    } catch (e) {
      throw new Error(`matrix spec ${s.name} does not render:\n${(e as Error).message}`);
    }
    return { ...s, rendered, files: new Map(rendered.files.map((f) => [f.path, f.content])) };
  });
  return cachedRendered;
}

let cachedPrunes: { name: string; files: ReadonlyMap<string, string> }[] | undefined;

/**
 * Every matrix spec's grants as a prune: the spec's record given as the previous record of a
 * render of another spec on the same cloud, so cloud/prune.sh removes all of them. Only the
 * prune script is kept, for the CLI conformance checks (tests/lifecycle.test.ts drives prune
 * semantics).
 */
export function pruneMatrix(): readonly { name: string; files: ReadonlyMap<string, string> }[] {
  if (cachedPrunes) return cachedPrunes;
  const all = renderedMatrix();
  const cloudOf = (s: RenderedSpec) => /^\s+(gke|aks|eks):/m.exec(s.text)?.[1];
  cachedPrunes = all.flatMap((before) => {
    const after = all.find((s) => s.name !== before.name && cloudOf(s) === cloudOf(before));
    const record = before.files.get(GRANT_RECORD_FILE);
    if (!after || !record) return [];
    const loaded = loadSpec(after.text, { file: `${after.name}.yaml` });
    if (!loaded.ok) return [];
    const files = render(loaded.model, [], { previous: parseGrantRecord(record) }).files;
    const prune = files.find((f) => f.path === 'cloud/prune.sh');
    return prune ? [{ name: `prune/${before.name}`, files: new Map([[prune.path, prune.content]]) }] : [];
  });
  return cachedPrunes;
}
