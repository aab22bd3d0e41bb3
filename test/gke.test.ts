// GKE Workload Identity: both halves of each binding, per mode, from literal specs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderText, yamlDocs } from './support/wi-gen.js';
import { validateKubernetesObject } from './support/core-schemas.js';

const spec = (body: string, cluster = '{project: acme-prod, projectNumber: "123456789012"}') => `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: ${cluster}
${body}`;

const file = (r: ReturnType<typeof renderText>, path: string) => {
  const f = r.files.find((x) => x.path === path);
  assert.ok(f, `${path} not generated; have ${r.files.map((x) => x.path).join(', ')}`);
  return (f as { content: string }).content;
};

test('impersonation: annotation on the KSA, workloadIdentityUser for each of N KSAs on one GSA', () => {
  const r = renderText(
    spec(`identities:
  - name: app
    gke: {serviceAccount: app-runner@acme-prod.iam.gserviceaccount.com}
bindings:
  - identity: app
    serviceAccount: {namespace: a, name: one}
  - identity: app
    serviceAccount: {namespace: b, name: two}
`),
  );
  const sas = yamlDocs(file(r, 'manifests/service-accounts.yaml'));
  assert.equal(
    sas.map((s) => (s.metadata as { annotations: Record<string, string> }).annotations['iam.gke.io/gcp-service-account']),
    ['app-runner@acme-prod.iam.gserviceaccount.com', 'app-runner@acme-prod.iam.gserviceaccount.com'],
  );
  const script = file(r, 'cloud/gcloud.sh');
  assert.match(script, /--member 'serviceAccount:acme-prod\.svc\.id\.goog\[a\/one\]'/);
  assert.match(script, /--member 'serviceAccount:acme-prod\.svc\.id\.goog\[b\/two\]'/);
  const tf = file(r, 'cloud/terraform/gke-app.tf');
  assert.is((tf.match(/resource "google_service_account_iam_member"/g) ?? []).length, 2);
  assert.match(tf, /service_account_id = "projects\/acme-prod\/serviceAccounts\/app-runner@acme-prod\.iam\.gserviceaccount\.com"/);
});

test('direct principal: no annotation, roles granted to each principal:// identifier, no GSA anywhere', () => {
  const r = renderText(
    spec(`identities:
  - name: direct
    gke: {mode: directPrincipal, roles: [roles/storage.objectViewer]}
bindings:
  - identity: direct
    serviceAccount: {namespace: media, name: thumbnailer}
`),
  );
  const [sa] = yamlDocs(file(r, 'manifests/service-accounts.yaml'));
  assert.is((sa?.metadata as { annotations?: unknown }).annotations, undefined);
  const principal =
    'principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/subject/ns/media/sa/thumbnailer';
  assert.ok(file(r, 'cloud/gcloud.sh').includes(`--member ${principal}`));
  assert.ok(file(r, 'cloud/terraform/gke-direct.tf').includes(`member  = "${principal}"`));
  assert.not.match(file(r, 'cloud/gcloud.sh'), /workloadIdentityUser|iam\.gserviceaccount\.com/);
});

test('DNS grants: zone-level when the issuer names its zone; managedZones.list only when it does not', () => {
  const withZone = renderText(
    spec(`identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com, dnsRole: leastPrivilege}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-dns, hostedZoneName: example-com}}
`),
  );
  const tf = file(withZone, 'cloud/terraform/gke-dns.tf');
  assert.match(tf, /resource "google_dns_managed_zone_iam_member"/);
  assert.not.match(tf, /google_project_iam_member/);
  assert.not.match(tf, /dns\.managedZones\.list/);
  const noZone = renderText(
    spec(`identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com, dnsRole: leastPrivilege}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-dns}}
`),
  );
  const tf2 = file(noZone, 'cloud/terraform/gke-dns.tf');
  assert.match(tf2, /resource "google_project_iam_member"/);
  assert.match(tf2, /"dns\.managedZones\.list"/);
  const [issuer] = yamlDocs(file(noZone, 'manifests/issuers.yaml'));
  const solver = (issuer as any).spec.acme.solvers[0].dns01;
  assert.equal(solver, { cloudDNS: { project: 'acme-dns' } }, 'no serviceAccountSecretRef: Workload Identity is ambient');
});

test('Config Connector: IAMServiceAccount and IAMPolicyMembers valid against the upstream CRDs', () => {
  const r = renderText(
    spec(`identities:
  - name: dns
    gke:
      serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com
      create: true
      configConnector: {namespace: config-control}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-prod, hostedZoneName: example-com}}
`),
  );
  const objects = yamlDocs(file(r, 'cloud/config-connector/dns.yaml'));
  assert.equal(objects.map((o) => o.kind), ['IAMServiceAccount', 'IAMPolicyMember', 'IAMPolicyMember']);
  for (const o of objects) assert.equal(validateKubernetesObject(o), [], JSON.stringify(o));
  const wi = objects[1] as any;
  assert.is(wi.spec.member, 'serviceAccount:acme-prod.svc.id.goog[cert-manager/cert-manager]');
  assert.equal((objects[2] as any).spec.memberFrom, { serviceAccountRef: { name: 'dns' } });
});

test('nodeSelector value is the quoted string "true" in every output, and absent on Autopilot', () => {
  const body = `identities:
  - name: app
    gke: {serviceAccount: app-runner@acme-prod.iam.gserviceaccount.com}
bindings:
  - identity: app
    serviceAccount: {namespace: a, name: one}
    workloads: [{kind: Deployment, name: api}]
certManager:
  identity: app
`;
  const standard = renderText(spec(body, '{project: acme-prod, metadataServerNodeSelector: true}'));
  assert.match(file(standard, 'kustomize/namespaces/a/pod-metadata-deployment.yaml'), /iam\.gke\.io\/gke-metadata-server-enabled: "true"/);
  assert.match(file(standard, 'helm/cert-manager.values.yaml'), /iam\.gke\.io\/gke-metadata-server-enabled: "true"/);
  const autopilot = renderText(spec(body, '{project: acme-prod, autopilot: true}'));
  assert.not.match(file(autopilot, 'kustomize/namespaces/a/kustomization.yaml'), /gke-metadata-server-enabled|pod-metadata/);
  assert.match(file(autopilot, 'helm/cert-manager.values.yaml'), /leaderElection:\n    namespace: cert-manager/);
});

test.run();
