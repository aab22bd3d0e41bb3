// wi-gen doctor: healthy dumps of the example clusters pass; each case breaks one link and the
// test asserts the exact diagnosis and fix. Dumps are in test/support/doctor-fixtures.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadSpec } from '../src/spec/load.js';
import { render } from '../src/render.js';
import { emptyFacts } from '../src/doctor/facts.js';
import { addDump, splitLabel } from '../src/doctor/dumps.js';
import { diagnose, type DoctorReport } from '../src/doctor/doctor.js';
import { diagnoseErrorText } from '../src/doctor/error-text.js';
import { liveCommands, READ_ONLY_VERB } from '../src/doctor/live.js';
import { reportJson } from '../src/doctor/report.js';
import { main } from '../src/cli/main.js';
import type { Link } from '../src/doctor/link.js';
import type { Model } from '../src/model/model.js';
import * as f from './support/doctor-fixtures.js';
import { examplesDir, repoRoot } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';
import { writeFileSync } from 'node:fs';

function modelOf(example: string, edit: (t: string) => string = (t) => t): Model {
  const loaded = loadSpec(edit(readFileSync(join(examplesDir, example, 'spec.yaml'), 'utf8')), { file: 'spec.yaml' });
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  return loaded.model;
}

type Dump = { value: unknown; label?: string };
const dump = (value: unknown, label?: string): Dump => ({ value, ...(label ? { label } : {}) });

function doctor(model: Model, dumps: readonly Dump[], errors: string[] = []): DoctorReport {
  const facts = emptyFacts();
  dumps.forEach((d, i) => {
    const label = d.label ? splitLabel(`${d.label}=x`).label : undefined;
    addDump(facts, [d.value as never], `dump${i}`, label);
  });
  return diagnose(model, render(model), facts, errors);
}

const links = (r: DoctorReport): Link[] => r.chains.flatMap((c) => c.links);
function link(r: DoctorReport, id: string): Link {
  const found = links(r).find((l) => l.id === id);
  if (!found) throw new Error(`no link ${id}; have ${links(r).map((l) => l.id).join(', ')}`);
  return found;
}
const brokenIds = (r: DoctorReport) => links(r).filter((l) => l.verdict === 'broken').map((l) => l.id);

// --- GKE Autopilot CronJob (examples/gke-cronjob)
const GSA = 'nightly-reporter@acme-analytics.iam.gserviceaccount.com';
const KSA_MEMBER = 'serviceAccount:acme-analytics.svc.id.goog[reporting/nightly-reporter]';
function gkeWorld(o: { annotation?: boolean; saName?: string; podSa?: string; podCreated?: string; pool?: string | undefined; wiu?: boolean; gsaDisabled?: boolean } = {}): Dump[] {
  return [
    dump(f.kubeList(
      f.serviceAccount('reporting', 'nightly-reporter', o.annotation === false ? {} : { 'iam.gke.io/gcp-service-account': GSA }, { 'app.kubernetes.io/managed-by': 'wi-gen' }, '2026-11-01T10:00:00Z'),
      f.cronJob('reporting', 'nightly-report', o.saName ?? 'nightly-reporter'),
      f.pod('reporting', 'nightly-report-29400000-abcde', { kind: 'Job', name: 'nightly-report-29400000' }, o.podSa ?? 'nightly-reporter', { created: o.podCreated ?? '2026-11-02T02:00:00Z' }),
    )),
    dump(f.gkeCluster('analytics', 'pool' in o ? o.pool : 'acme-analytics.svc.id.goog', true)),
    dump({ email: GSA, name: `projects/acme-analytics/serviceAccounts/${GSA}`, projectId: 'acme-analytics', uniqueId: '104842512345678901234', disabled: o.gsaDisabled === true }),
    dump(f.iamPolicy(...(o.wiu === false ? [] : [{ role: 'roles/iam.workloadIdentityUser', members: [KSA_MEMBER] }])), `gsa:${GSA}`),
    dump(f.iamPolicy(
      { role: 'roles/bigquery.dataViewer', members: [`serviceAccount:${GSA}`] },
      { role: 'roles/bigquery.jobUser', members: [`serviceAccount:${GSA}`] },
    ), 'project:acme-analytics'),
  ];
}

test('gke: a healthy dump set passes every link', () => {
  const r = doctor(modelOf('gke-cronjob'), gkeWorld());
  assert.equal(brokenIds(r), []);
  assert.equal(r.summary.unchecked, 0);
  assert.ok(r.summary.ok >= 6, `${r.summary.ok} links ok`);
});

const gkeCases: [string, Parameters<typeof gkeWorld>[0], string, string, string][] = [
  ['annotation missing', { annotation: false }, 'serviceaccount', 'missing or different: iam.gke.io/gcp-service-account=' + GSA,
    `kubectl annotate serviceaccount -n reporting nightly-reporter --overwrite iam.gke.io/gcp-service-account=${GSA}`],
  ['workloadIdentityUser missing', { wiu: false }, `gcp.iam:roles/iam.workloadIdentityUser@service account ${GSA}:${KSA_MEMBER}`, `no binding of roles/iam.workloadIdentityUser for ${KSA_MEMBER} in dump3`,
    `gcloud iam service-accounts add-iam-policy-binding ${GSA} --project acme-analytics --role roles/iam.workloadIdentityUser --member 'serviceAccount:acme-analytics.svc.id.goog[reporting/nightly-reporter]' --condition=None`],
  ['CronJob on the default ServiceAccount', { saName: 'default' }, 'workload:CronJob/reporting/nightly-report', 'serviceAccountName is default',
    'add the Component out/kustomize/namespaces/reporting to the kustomization that deploys nightly-report, then apply it'],
  ['pod runs as another KSA', { podSa: 'default' }, 'pods:CronJob/reporting/nightly-report', 'pod nightly-report-29400000-abcde runs as default',
    'delete the pods; the next run gets the identity'],
  ['pod older than the annotation', { podCreated: '2026-10-30T02:00:00Z' }, 'pods:CronJob/reporting/nightly-report',
    'pod nightly-report-29400000-abcde was created (2026-10-30T02:00:00Z) before the ServiceAccount annotation (2026-11-01T10:00:00Z)', 'delete the pods; the next run gets the identity'],
  ['Google service account disabled', { gsaDisabled: true }, 'gcp.service-account', 'the service account is disabled',
    `gcloud iam service-accounts enable ${GSA} --project acme-analytics`],
  ['Workload Identity off on the cluster', { pool: undefined }, 'gcp.workload-pool', 'Workload Identity Federation is not enabled on the cluster',
    'gcloud container clusters update analytics --project acme-analytics --location LOCATION --workload-pool=acme-analytics.svc.id.goog'],
];
for (const [name, world, id, detail, fix] of gkeCases) {
  test(`gke: ${name}`, () => {
    const r = doctor(modelOf('gke-cronjob'), gkeWorld(world));
    assert.equal(brokenIds(r), [id]);
    assert.equal(link(r, id).detail, detail);
    assert.equal(link(r, id).fix, fix);
  });
}

// --- GKE Standard, cert-manager (examples/gke-cert-manager): node pools and the metadata server
test('gke: a node pool without GKE_METADATA and a pod on such a node', () => {
  const model = modelOf('gke-cert-manager');
  const r = doctor(model, [
    dump(f.kubeList(
      f.pod('cert-manager', 'cert-manager-7d9f8b6c5-x2x4z', { kind: 'ReplicaSet', name: 'cert-manager-7d9f8b6c5' }, 'cert-manager', { node: 'gke-old-pool-1' }),
      f.node('gke-old-pool-1', { 'cloud.google.com/gke-nodepool': 'old-pool' }),
    )),
    dump(f.nodePools(['default-pool', 'GKE_METADATA'], ['old-pool', 'GCE_METADATA'])),
  ]);
  assert.equal(link(r, 'gcp.node-pools').verdict, 'broken');
  assert.equal(link(r, 'gcp.node-pools').fix, 'gcloud container node-pools update old-pool --cluster prod-europe --project acme-prod-cluster --location europe-west1 --workload-metadata=GKE_METADATA');
});

// --- AKS workload identity (examples/aks-workload-identity)
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/8d3f6a2e-1c4b-4e7a-9f10-2b6c5d4e3f21/5b0e7c9a-3d2f-4a18-b6e4-9c1f0a2d7e58/';
const READER_CLIENT = '0c7b9e21-5d4a-4f3e-a1b2-c3d4e5f60718';
const DNS_CLIENT = '6a1f2e3d-4c5b-4a69-8e7f-0b1c2d3e4f50';
const READER_PRINCIPAL = '3e8d1c6b-2a4f-4b7e-9d05-7f6a5b4c3d21';
const BLOB_SCOPE = '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-billing/providers/Microsoft.Storage/storageAccounts/stinvoicesprod';
function aksWorld(o: { ficIssuer?: string; ficSubject?: string; ficIdentity?: string; scope?: string; env?: boolean; podLabel?: boolean; wi?: boolean } = {}): Dump[] {
  const wiLabel = { 'azure.workload.identity/use': 'true' };
  return [
    dump(f.kubeList(
      f.serviceAccount('cert-manager', 'cert-manager', { 'azure.workload.identity/client-id': DNS_CLIENT }, wiLabel),
      f.deployment('cert-manager', 'cert-manager', 'cert-manager', wiLabel),
      f.serviceAccount('billing', 'invoice-reader', { 'azure.workload.identity/client-id': READER_CLIENT }, wiLabel),
      f.serviceAccount('billing', 'invoice-exporter', { 'azure.workload.identity/client-id': READER_CLIENT }, wiLabel),
      f.deployment('billing', 'invoice-api', 'invoice-reader', o.podLabel === false ? {} : wiLabel),
      f.cronJob('billing', 'invoice-export', 'invoice-exporter', wiLabel),
      f.pod('billing', 'invoice-api-5c6d7e8f9-abcde', { kind: 'ReplicaSet', name: 'invoice-api-5c6d7e8f9' }, 'invoice-reader',
        { env: o.env === false ? [] : ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST'] }),
    )),
    dump(f.aksShow('aks-prod-weu', ISSUER, o.wi ?? true)),
    dump(f.azIdentity('id-invoice-reader', 'rg-identities', READER_CLIENT, READER_PRINCIPAL)),
    dump([
      f.fic(o.ficIdentity ?? 'id-invoice-reader', 'aks-prod-weu-billing-invoice-reader', o.ficIssuer ?? ISSUER, o.ficSubject ?? 'system:serviceaccount:billing:invoice-reader'),
      f.fic('id-invoice-reader', 'aks-prod-weu-billing-invoice-exporter', ISSUER, 'system:serviceaccount:billing:invoice-exporter'),
      f.fic('id-cert-manager-dns01', 'aks-prod-weu-cert-manager-cert-manager', ISSUER, 'system:serviceaccount:cert-manager:cert-manager'),
    ]),
    dump([f.roleAssignment(READER_PRINCIPAL, 'Storage Blob Data Reader', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', o.scope ?? BLOB_SCOPE)]),
  ];
}
const FIC_ID = 'azure.federated-credential';
const FIC_FIX = `az identity federated-credential create --name aks-prod-weu-billing-invoice-reader --identity-name id-invoice-reader --resource-group rg-identities --issuer ${ISSUER} --subject system:serviceaccount:billing:invoice-reader --audiences api://AzureADTokenExchange`;

test('aks: a healthy dump set has no broken link', () => {
  assert.equal(brokenIds(doctor(modelOf('aks-workload-identity'), aksWorld())), []);
});

const aksCases: [string, Parameters<typeof aksWorld>[0], string, string, string][] = [
  ['issuer without its trailing slash', { ficIssuer: ISSUER.slice(0, -1) }, FIC_ID,
    `credential aks-prod-weu-billing-invoice-reader has issuer ${ISSUER.slice(0, -1)}: Entra compares issuers character for character, and the trailing slash differs (AADSTS70021)`, FIC_FIX],
  ['credential for another namespace', { ficSubject: 'system:serviceaccount:billing-old:invoice-reader' }, FIC_ID,
    'credential aks-prod-weu-billing-invoice-reader names system:serviceaccount:billing-old:invoice-reader: another namespace', FIC_FIX],
  ['credential on another identity', { ficIdentity: 'id-cert-manager-dns01' }, FIC_ID,
    'the credential for system:serviceaccount:billing:invoice-reader is on identity id-cert-manager-dns01, not id-invoice-reader', FIC_FIX],
  ['role on the wrong scope', { scope: '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-other' }, `azure.role:Storage Blob Data Reader@${BLOB_SCOPE}`,
    `Storage Blob Data Reader is assigned on /subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-other, which does not contain ${BLOB_SCOPE}`,
    `az role assignment create --assignee-object-id ${READER_PRINCIPAL} --assignee-principal-type ServicePrincipal --role 'Storage Blob Data Reader' --scope ${BLOB_SCOPE}`],
  ['pod not mutated by the webhook', { env: false }, 'pods:Deployment/billing/invoice-api',
    'pod invoice-api-5c6d7e8f9-abcde has no AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE (the webhook did not mutate it)', 'kubectl rollout restart deployment -n billing invoice-api'],
  ['pod label missing', { podLabel: false }, 'workload:Deployment/billing/invoice-api', 'pod labels missing: azure.workload.identity/use=true',
    'add the Component out/kustomize/namespaces/billing to the kustomization that deploys invoice-api, then apply it'],
  ['workload identity disabled on the cluster', { wi: false }, 'azure.oidc-issuer', 'workload identity (webhook) disabled',
    'az aks update -g rg-aks-prod -n aks-prod-weu --enable-oidc-issuer --enable-workload-identity'],
];
for (const [name, world, id, detail, fix] of aksCases) {
  test(`aks: ${name}`, () => {
    const r = doctor(modelOf('aks-workload-identity'), aksWorld(world));
    assert.equal([...new Set(brokenIds(r))], [id]);
    assert.equal(link(r, id).detail, detail);
    assert.equal(link(r, id).fix, fix);
  });
}

test('aks: webhook missing from the MutatingWebhookConfigurations', () => {
  const world = aksWorld();
  world.push(dump(f.kubeList({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'cert-manager-webhook' } })));
  const r = doctor(modelOf('aks-workload-identity'), world);
  assert.equal(brokenIds(r), ['webhook:azureWorkloadIdentity']);
  world.push(dump(f.kubeList({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'azure-wi-webhook-mutating-webhook-configuration' } })));
  assert.equal(brokenIds(doctor(modelOf('aks-workload-identity'), world)), []);
});

// --- EKS IRSA (examples/eks-irsa-cert-manager)
const PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const ISSUER_HOST = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
function irsaWorld(o: { subjects?: string[]; audience?: string; route53?: boolean; issuer?: string } = {}): Dump[] {
  return [
    dump(f.eksDescribe('prod-eu', o.issuer ?? `https://${ISSUER_HOST}`)),
    dump(f.getRole('reports-s3-read', 'arn:aws:iam::111122223333:role/apps/reports-s3-read',
      f.irsaTrust(PROVIDER, ISSUER_HOST, o.subjects ?? ['system:serviceaccount:reports:reporter', 'system:serviceaccount:reports:report-api'], o.audience))),
    dump(f.getRole('cert-manager-route53', 'arn:aws:iam::111122223333:role/cert-manager-route53', f.irsaTrust(PROVIDER, ISSUER_HOST, ['system:serviceaccount:cert-manager:cert-manager']))),
    ...(o.route53 === false ? [] : [dump(f.getRolePolicy('cert-manager-route53', 'Z0123456789ABCDEFGHIJ'))]),
  ];
}
test('irsa: healthy trust and Route53 policy pass', () => {
  const r = doctor(modelOf('eks-irsa-cert-manager'), irsaWorld());
  assert.equal(brokenIds(r), []);
  assert.equal(link(r, 'aws.route53:Z0123456789ABCDEFGHIJ').verdict, 'ok');
});
test('irsa: the trust policy names another namespace', () => {
  const r = doctor(modelOf('eks-irsa-cert-manager'), irsaWorld({ subjects: ['system:serviceaccount:reports-v1:reporter', 'system:serviceaccount:reports:report-api'] }));
  const id = 'aws.trust:system:serviceaccount:reports:reporter';
  assert.equal(brokenIds(r), [id]);
  assert.equal(link(r, id).detail, 'the trust policy admits system:serviceaccount:reports-v1:reporter, system:serviceaccount:reports:report-api');
});
test('irsa: the trust policy pins another audience', () => {
  const r = doctor(modelOf('eks-irsa-cert-manager'), irsaWorld({ audience: 'vault' }));
  assert.equal(brokenIds(r), ['aws.trust:system:serviceaccount:reports:reporter', 'aws.trust:system:serviceaccount:reports:report-api']);
  assert.match(link(r, 'aws.trust:system:serviceaccount:reports:reporter').detail ?? '', `; ${ISSUER_HOST}:aud is not sts.amazonaws.com`);
});
test('irsa: no Route53 rights and another cluster issuer', () => {
  const r = doctor(modelOf('eks-irsa-cert-manager'), irsaWorld({ issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER' }).filter((d) => !('PolicyName' in (d.value as object))));
  assert.equal(link(r, 'aws.route53:Z0123456789ABCDEFGHIJ').verdict, 'unchecked');
  assert.equal(link(r, 'aws.oidc-issuer').verdict, 'broken');
});

// --- EKS Pod Identity (examples/eks-pod-identity)
const SHOP_ARN = 'arn:aws:eks:us-east-2:444455556666:cluster/shop-prod-us-east-2';
function podIdentityWorld(o: { namespace?: string; agent?: boolean } = {}): Dump[] {
  return [
    dump(f.listAddons(...(o.agent === false ? ['vpc-cni'] : ['vpc-cni', 'eks-pod-identity-agent']))),
    dump(f.podIdentityAssociations({ clusterName: 'shop-prod-us-east-2', namespace: o.namespace ?? 'orders', serviceAccount: 'worker', roleArn: 'arn:aws:iam::444455556666:role/shop-orders-queue' })),
    dump(f.getRole('shop-orders-queue', 'arn:aws:iam::444455556666:role/shop-orders-queue', f.podIdentityTrust(SHOP_ARN, 'orders', 'worker'))),
  ];
}
test('pod identity: healthy association, agent and trust', () => {
  const r = doctor(modelOf('eks-pod-identity'), podIdentityWorld());
  assert.equal(link(r, 'aws.pod-identity-association').verdict, 'ok');
  assert.equal(link(r, 'aws.trust:system:serviceaccount:orders:worker').verdict, 'ok');
  assert.equal(link(r, 'aws.pod-identity-agent').verdict, 'ok');
});
test('pod identity: association in another namespace, agent missing', () => {
  const r = doctor(modelOf('eks-pod-identity'), podIdentityWorld({ namespace: 'orders-staging', agent: false }));
  const a = link(r, 'aws.pod-identity-association');
  assert.equal(a.detail, 'the association for worker is in namespace orders-staging');
  assert.equal(a.fix, 'aws eks create-pod-identity-association --cluster-name shop-prod-us-east-2 --namespace orders --service-account worker --role-arn arn:aws:iam::444455556666:role/shop-orders-queue --region us-east-2');
  assert.equal(link(r, 'aws.pod-identity-agent').fix, 'aws eks create-addon --cluster-name shop-prod-us-east-2 --addon-name eks-pod-identity-agent --region us-east-2');
});

// --- cert-manager: a namespaced Issuer on ambient credentials needs the controller flag
test('cert-manager: controller without --issuer-ambient-credentials', () => {
  const model = modelOf('gke-cert-manager', (t) => t.replace(/certManager:\n/, 'certManager:\n  issuerAmbientCredentials: true\n').replace(/- name: letsencrypt-staging\n/, '- name: letsencrypt-staging\n      kind: Issuer\n      namespace: web\n'));
  const deploymentObject = f.deployment('cert-manager', 'cert-manager', 'cert-manager', {}, {});
  const r = doctor(model, [dump(f.kubeList(deploymentObject))]);
  assert.equal(link(r, 'cert-manager.args').detail, 'missing: --issuer-ambient-credentials=true');
});

// --- Vault / VSO (examples/aks-vault-service-principal): object status and the Secret's key
test('vault: VaultAuth not valid, and the client-secret Secret without its key', () => {
  const model = modelOf('aks-vault-service-principal');
  const rendered = render(model).objects;
  const of = (kind: string) => rendered.find((o) => o['kind'] === kind) as Record<string, unknown>;
  const auth = { ...of('VaultAuth'), status: { valid: false, error: 'permission denied' } };
  const ref = ['', 'azuredns-azure-sp', 'client_secret'];
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: ref[1], namespace: 'cert-manager' }, data: { client_id: 'eA==' } };
  const r = doctor(model, [dump(f.kubeList(auth, secret))]);
  const authLink = links(r).find((l) => l.id.startsWith('object:VaultAuth/')) as Link;
  assert.is(authLink.verdict, 'broken');
  assert.is(authLink.detail, 'not valid: permission denied');
  const secretLink = link(r, `secret:cert-manager/${ref[1]}`);
  assert.is(secretLink.detail, `the Secret has client_id, not ${ref[2]}`);
  // Secret values are never echoed.
  assert.not.match(JSON.stringify(r), /eA==/);
  const healthy = doctor(model, [dump(f.kubeList({ ...secret, data: { client_id: 'eA==', [ref[2] as string]: 'eQ==' } }))]);
  assert.is(link(healthy, `secret:cert-manager/${ref[1]}`).verdict, 'ok');
});

// --- error texts
const aks = () => modelOf('aks-workload-identity');
const errorCases: [string, () => Model, string, RegExp][] = [
  ['AADSTS70021, issuer without slash', aks,
    `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${ISSUER.slice(0, -1)}'. Assertion Subject: 'system:serviceaccount:billing:invoice-reader'. Assertion Audience: 'api://AzureADTokenExchange'.`,
    /differ only by the trailing slash/],
  ['AADSTS70021, wrong namespace', aks,
    `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${ISSUER}'. Assertion Subject: 'system:serviceaccount:billing-v2:invoice-reader'. Assertion Audience: 'api://AzureADTokenExchange'.`,
    /the pod runs as system:serviceaccount:billing-v2:invoice-reader, but the spec binds system:serviceaccount:billing:invoice-reader: another namespace/],
  ['AuthorizationFailed on a private zone', aks,
    "(AuthorizationFailed) The client '6a1f2e3d-4c5b-4a69-8e7f-0b1c2d3e4f50' with object id '0a0b0c0d-0000-4000-8000-000000000000' does not have authorization to perform action 'Microsoft.Network/privateDnsZones/TXT/write' over scope '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/contoso.example/TXT/_acme-challenge' or the scope is invalid.",
    /zone contoso.example is a private zone, but issuer letsencrypt-staging says zoneType AzurePublicZone/],
  ['No ClientID found', aks, 'error instantiating azuredns challenge solver: No ClientID found: attempting to authenticate with ambient credentials', /azure.workload.identity\/client-id annotation/],
  ['svc.id.goog as the active account', () => modelOf('gke-cronjob'), 'Credentialed Accounts\nACTIVE  ACCOUNT\n*       acme-analytics.svc.id.goog', /not as a Google service account/],
  ['getAccessToken 403', () => modelOf('gke-cronjob'),
    "Unable to generate access token; IAM returned 403 Forbidden: Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
    /no roles\/iam.workloadIdentityUser/],
  ['AssumeRoleWithWebIdentity denied', () => modelOf('eks-irsa-cert-manager'),
    'An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity', /trust policy does not admit this token/],
];
for (const [name, model, text, cause] of errorCases) {
  test(`error text: ${name}`, () => {
    const found = diagnoseErrorText(text, model());
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(found[0]?.cause ?? '', cause);
  });
}

// --- the CLI, the JSON report and --live
test('cli: exit 0 healthy, 1 broken, 2 for a dump of unknown shape; --output json validates', () => {
  const dir = tmpDir('wi-gen-doctor-');
  const write = (name: string, value: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(value));
    return p;
  };
  const spec = join(examplesDir, 'gke-cronjob', 'spec.yaml');
  const healthy = gkeWorld().map((d, i) => (d.label ? `${d.label}=${write(`h${i}.json`, d.value)}` : write(`h${i}.json`, d.value)));
  const broken = gkeWorld({ wiu: false }).map((d, i) => (d.label ? `${d.label}=${write(`b${i}.json`, d.value)}` : write(`b${i}.json`, d.value)));
  const run = (argv: string[]) => {
    let out = '';
    let err = '';
    const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: () => ({ bytes: Buffer.alloc(0), truncated: false }) });
    return { code, out, err };
  };
  assert.equal(run(['doctor', spec, ...healthy]).code, 0);
  const b = run(['doctor', spec, ...broken, '--output', 'json']);
  assert.is(b.code, 1, b.err);
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'doctor-report.schema.json'), 'utf8'));
  const validate = new Ajv2020({ strict: true }).compile(schema);
  const report = JSON.parse(b.out) as { chains: { links: { verdict: string }[] }[] };
  assert.ok(validate(report), JSON.stringify(validate.errors));
  // The schema is not a rubber stamp: a report with an unknown verdict fails it.
  (report.chains[0] as { links: { verdict: string }[] }).links[0]!.verdict = 'fine';
  assert.not.ok(validate(report));
  const bad = run(['doctor', spec, write('odd.json', { hello: 'world' })]);
  assert.is(bad.code, 2);
  assert.match(bad.err, /odd\.json: not a dump wi-gen doctor reads/);
  assert.is(run(['doctor', spec, join(dir, 'missing.json')]).code, 2);
  assert.is(run(['doctor', spec, '--error', 'AADSTS70021: Assertion Subject: \'system:serviceaccount:x:y\'']).code, 1);
});

test('--live runs read-only verbs only, for every example', () => {
  for (const example of ['gke-cert-manager', 'gke-cronjob', 'aks-workload-identity', 'eks-irsa-cert-manager', 'eks-pod-identity']) {
    for (const c of liveCommands(modelOf(example))) {
      const verb = c.argv.find((a, i) => i > 0 && READ_ONLY_VERB.test(a));
      assert.ok(verb, `${c.display}: no read-only verb`);
      assert.not.match(c.display, /\b(create|update|delete|set-iam-policy|add-iam-policy-binding|put-role-policy|apply)\b/);
    }
  }
});

test('report json is stable: same input, same bytes', () => {
  const a = reportJson(doctor(modelOf('gke-cronjob'), gkeWorld({ wiu: false })));
  const b = reportJson(doctor(modelOf('gke-cronjob'), gkeWorld({ wiu: false })));
  assert.is(a, b);
});

test.run();
