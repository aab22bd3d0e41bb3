// GKE Workload Identity: both halves of each binding, per mode, from literal specs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderText, yamlDocs } from './support/wi-gen.js';
import { validateKubernetesObject } from './support/core-schemas.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import { CUSTOM_ROLE_ID, customRoleId } from '../src/methods/gke.js';

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

// ------------------------------------------------------------------------ apply-time defects (issue 11)

/** An identity that creates its GSA, with a least-privilege role granted on one managed zone. */
const zoneSpec = (zones = '{project: acme-dns, hostedZoneName: example-com}', gke = 'create: true, dnsRole: leastPrivilege, configConnector: {namespace: config-control}') =>
  spec(`identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com, ${gke}}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: ${zones}}
`);

/** The shell functions a gcloud.sh defines before its first section. */
const scriptHelpers = (script: string): string => {
  const start = script.indexOf('set -euo pipefail\n');
  const end = script.indexOf('# --- identity');
  assert.ok(start >= 0 && end > start, 'helpers sit between set -euo pipefail and the first section');
  return script.slice(start, end);
};

/**
 * A fake gcloud for the zone-policy helper: get-iam-policy answers FAKE_ETAG or the lines of
 * FAKE_PAIRS (what --flatten/--format print), set-iam-policy copies its --policy-file to FAKE_SET.
 */
function fakeGcloud(): string {
  const dir = tmpDir('wi-gen-fake-gcloud-');
  const path = join(dir, 'gcloud');
  writeFileSync(
    path,
    `#!/usr/bin/env bash
printf '%s\\n' "$*" >>"$FAKE_LOG"
case "$*" in
  *set-iam-policy*)
    while [ $# -gt 0 ]; do
      if [ "$1" = --policy-file ]; then cp "$2" "$FAKE_SET"; fi
      shift
    done ;;
  *--flatten*) cat "$FAKE_PAIRS" ;;
  *'value(etag)'*) printf '%s\\n' "$FAKE_ETAG" ;;
esac
`,
  );
  chmodSync(path, 0o755);
  return dir;
}

test('managed-zone grant: no `dns managed-zones add-iam-policy-binding` (not a gcloud command); a helper call instead', () => {
  const script = file(renderText(zoneSpec()), 'cloud/gcloud.sh');
  assert.not.match(script, /managed-zones add-iam-policy-binding/);
  assert.ok(
    script.includes('retry_iam dns_zone_iam_member add example-com acme-dns projects/acme-dns/roles/wigen_dns01_dns serviceAccount:dns-solver@acme-prod.iam.gserviceaccount.com'),
    script,
  );
  assert.is(script.match(/^dns_zone_iam_member\(\) \{$/gm)?.length, 1, 'defined once');
  // A spec without zone grants carries no helper it never calls.
  const noZone = file(renderText(zoneSpec('{project: acme-dns}', 'dnsRole: admin')), 'cloud/gcloud.sh');
  assert.not.match(noZone, /dns_zone_iam_member|retry_iam/);
});

/** The policy file dns_zone_iam_member add wrote when it merged into existing bindings. */
let mergedPolicyFile = '';

test('dns_zone_iam_member add: read-modify-write against a fake gcloud (new, merged, present, conditional, hostile)', () => {
  const helpers = scriptHelpers(file(renderText(zoneSpec()), 'cloud/gcloud.sh'));
  const dir = tmpDir('wi-gen-zone-');
  const harness = join(dir, 'grant.sh');
  writeFileSync(harness, `#!/usr/bin/env bash\n${helpers}\ndns_zone_iam_member add "$@"\n`);
  const fake = fakeGcloud();
  const grant = (pairs: string, member = 'serviceAccount:new@p.iam.gserviceaccount.com') => {
    const env = { PATH: `${fake}:/usr/bin:/bin`, FAKE_LOG: join(dir, 'log'), FAKE_PAIRS: join(dir, 'pairs'), FAKE_SET: join(dir, 'set.json'), FAKE_ETAG: 'BwYx+/9=' };
    writeFileSync(env.FAKE_PAIRS, pairs);
    writeFileSync(env.FAKE_LOG, '');
    run('rm', ['-f', env.FAKE_SET]);
    const r = run('bash', [harness, 'example-com', 'acme-dns', 'roles/dns.admin', member], { env });
    const text = existsSync(env.FAKE_SET) ? readFileSync(env.FAKE_SET, 'utf8') : undefined;
    return { code: r.code, stderr: r.stderr, text, written: text === undefined ? undefined : JSON.parse(text), log: readFileSync(env.FAKE_LOG, 'utf8') };
  };
  // An empty policy: gcloud's flattened view prints one empty row.
  const fresh = grant('\t\t\n');
  assert.is(fresh.code, 0, fresh.stderr);
  assert.equal(fresh.written, { etag: 'BwYx+/9=', bindings: [{ role: 'roles/dns.admin', members: ['serviceAccount:new@p.iam.gserviceaccount.com'] }] });
  assert.match(fresh.log, /^dns managed-zones get-iam-policy example-com --project acme-dns --format=?value\(etag\)\n/, 'etag read first');
  // Existing bindings are kept; the member joins the binding of its role.
  const merged = grant('roles/dns.admin\tuser:ann@acme.example\t\nroles/dns.reader\tgroup:ops@acme.example\t\nroles/dns.reader\tuser:bob@acme.example\t\n');
  assert.is(merged.code, 0, merged.stderr);
  assert.equal(merged.written, {
    etag: 'BwYx+/9=',
    bindings: [
      { role: 'roles/dns.admin', members: ['serviceAccount:new@p.iam.gserviceaccount.com', 'user:ann@acme.example'] },
      { role: 'roles/dns.reader', members: ['group:ops@acme.example', 'user:bob@acme.example'] },
    ],
  });
  mergedPolicyFile = join(tmpDir('wi-gen-zone-policy-'), 'policy.json');
  writeFileSync(mergedPolicyFile, merged.text as string);
  // Already there: nothing written (a re-run is a no-op).
  const present = grant('roles/dns.admin\tserviceAccount:new@p.iam.gserviceaccount.com\t\n');
  assert.is(present.code, 0, present.stderr);
  assert.is(present.written, undefined);
  assert.not.match(present.log, /set-iam-policy/);
  // Conditional bindings would be lost by the rebuild: refuse with status 3 (no retry), write nothing.
  const conditional = grant('roles/dns.admin\tuser:ann@acme.example\tconditional\n');
  assert.is(conditional.code, 3);
  assert.match(conditional.stderr, /conditional role bindings/);
  assert.is(conditional.written, undefined);
  // Nothing read from the policy can break the JSON.
  const hostile = grant('roles/dns.admin\tuser:"], "x": ["\t\n');
  assert.is(hostile.code, 3);
  assert.is(hostile.written, undefined);
});

test('retry_iam: retries a failing command with pauses, gives up after 6 tries, never retries status 3', () => {
  const helpers = scriptHelpers(file(renderText(zoneSpec()), 'cloud/gcloud.sh'));
  const dir = tmpDir('wi-gen-retry-');
  const harness = join(dir, 'retry.sh');
  // sleep is stubbed so the test does not wait; the pauses it was asked for are recorded.
  writeFileSync(
    harness,
    `#!/usr/bin/env bash\nset -euo pipefail\n${helpers}\nsleep() { echo "sleep $1" >>"$LOG"; }\nflaky() { echo try >>"$LOG"; n=$(grep -c try "$LOG"); [ "$n" -ge "$1" ] || return "$2"; }\nretry_iam flaky "$@"\necho done >>"$LOG"\n`,
  );
  const attempt = (succeedOn: number, status: number) => {
    const log = join(dir, `log-${succeedOn}-${status}`);
    writeFileSync(log, '');
    const r = run('bash', [harness, String(succeedOn), String(status)], { env: { LOG: log } });
    return { code: r.code, log: readFileSync(log, 'utf8').trim().split('\n') };
  };
  assert.equal(attempt(3, 1), { code: 0, log: ['try', 'sleep 5', 'try', 'sleep 10', 'try', 'done'] });
  const never = attempt(99, 1);
  assert.is(never.code, 1, 'gives up, and set -e stops the script');
  assert.is(never.log.filter((l) => l === 'try').length, 6);
  assert.not.ok(never.log.includes('done'));
  assert.equal(attempt(99, 3), { code: 3, log: ['try'] });
});

test('every add-iam-policy-binding says --condition None; bindings after a create go through retry_iam', () => {
  const script = file(
    renderText(
      spec(`identities:
  - name: app
    gke: {serviceAccount: app-runner@acme-prod.iam.gserviceaccount.com, create: true, roles: [roles/storage.objectViewer]}
bindings:
  - identity: app
    serviceAccount: {namespace: a, name: one}
`),
    ),
    'cloud/gcloud.sh',
  );
  const bindings = script.split(/\n(?=\S)/).filter((c) => c.includes('add-iam-policy-binding'));
  assert.is(bindings.length, 2);
  for (const c of bindings) {
    assert.match(c, /--condition None\s*$/, c);
    assert.match(c, /^retry_iam gcloud /, c);
  }
  // An existing GSA needs no retry.
  const existing = file(
    renderText(spec(`identities:
  - name: app
    gke: {serviceAccount: app-runner@acme-prod.iam.gserviceaccount.com}
bindings:
  - identity: app
    serviceAccount: {namespace: a, name: one}
`)),
    'cloud/gcloud.sh',
  );
  assert.match(existing, /^gcloud iam service-accounts add-iam-policy-binding [^]*--condition None$/m);
  assert.not.match(existing, /retry_iam/);
});

test('custom role: a soft-deleted role is undeleted and an existing one updated to the spec', () => {
  const script = file(renderText(zoneSpec()), 'cloud/gcloud.sh');
  const block = script.slice(script.indexOf('if ! gcloud iam roles describe'), script.indexOf('\nfi\n', script.indexOf('if ! gcloud iam roles describe')));
  assert.match(block, /\nelse\n/);
  assert.match(block, /"\$\(gcloud iam roles describe wigen_dns01_dns --project acme-dns --format 'value\(deleted\)'\)" = True/);
  assert.match(block, /gcloud iam roles undelete wigen_dns01_dns --project acme-dns/);
  assert.match(block, /gcloud iam roles update wigen_dns01_dns \\\n\s+--project acme-dns \\\n\s+--title 'cert-manager DNS-01 \(dns\)' \\\n\s+--stage GA \\\n\s+--permissions dns\.changes\.create,/);
});

test('custom role IDs: at most 64 characters, valid, stable and distinct for long identity names', () => {
  const long = 'a'.repeat(40) + '-b'.repeat(11); // 62 characters
  const other = 'a'.repeat(40) + '-b'.repeat(10) + '-c';
  for (const name of [long, other, 'dns', 'a'.repeat(52), 'a'.repeat(53), 'a'.repeat(63)]) {
    const id = customRoleId(name);
    assert.ok(id.length <= 64 && CUSTOM_ROLE_ID.test(id), `${id} (${id.length})`);
    assert.is(customRoleId(name), id, 'deterministic');
  }
  assert.is(customRoleId('dns01-solver'), 'wigen_dns01_dns01_solver', 'short IDs unchanged');
  assert.is(customRoleId('a'.repeat(52)).length, 64, 'fits exactly, no hash');
  assert.is.not(customRoleId(long), customRoleId(other));
  const r = renderText(
    spec(`identities:
  - name: ${long}
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com, dnsRole: leastPrivilege, configConnector: {namespace: cc}}
certManager:
  identity: ${long}
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-dns, hostedZoneName: example-com}}
`),
  );
  const id = customRoleId(long);
  assert.ok(file(r, 'cloud/gcloud.sh').includes(`gcloud iam roles create ${id} `));
  assert.ok(file(r, `cloud/terraform/gke-${long}.tf`).includes(`role_id     = "${id}"`));
  const role = yamlDocs(file(r, `cloud/config-connector/${long}.yaml`)).find((o) => o.kind === 'IAMCustomRole') as any;
  assert.is(role.spec.resourceID, id);
});

test('Config Connector with leastPrivilege: the IAMCustomRole the DNS grant names is emitted, valid against the CRD', () => {
  const objects = yamlDocs(file(renderText(zoneSpec()), 'cloud/config-connector/dns.yaml')) as any[];
  const roles = objects.filter((o) => o.kind === 'IAMCustomRole');
  assert.is(roles.length, 1);
  const [role] = roles;
  assert.equal(validateKubernetesObject(role), [], JSON.stringify(role));
  assert.is(role.metadata.annotations['cnrm.cloud.google.com/project-id'], 'acme-dns');
  assert.equal(role.spec.permissions, [
    'dns.changes.create', 'dns.changes.get', 'dns.changes.list', 'dns.resourceRecordSets.create',
    'dns.resourceRecordSets.delete', 'dns.resourceRecordSets.list', 'dns.resourceRecordSets.update',
  ]);
  const dnsGrant = objects.find((o) => o.kind === 'IAMPolicyMember' && o.spec.resourceRef.kind === 'DNSManagedZone');
  assert.is(dnsGrant.spec.role, `projects/acme-dns/roles/${role.spec.resourceID}`);
  for (const o of objects) assert.equal(validateKubernetesObject(o), [], JSON.stringify(o));
});

test('one managed-zone name in two projects: distinct Terraform addresses and Config Connector names', () => {
  const r = renderText(
    spec(`identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com, configConnector: {namespace: cc}}
certManager:
  identity: dns
  issuers:
    - name: staging
      acme: {server: letsencrypt-staging}
      dns01: {cloudDNS: {project: acme-dns-staging, hostedZoneName: example-com}}
    - name: prod
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-dns-prod, hostedZoneName: example-com}}
`),
  );
  const tf = file(r, 'cloud/terraform/gke-dns.tf');
  const addresses = [...tf.matchAll(/^resource "([^"]+)" "([^"]+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
  assert.is(addresses.filter((a) => a.startsWith('google_dns_managed_zone_iam_member.')).length, 2);
  assert.is(new Set(addresses).size, addresses.length, addresses.join(', '));
  const objects = yamlDocs(file(r, 'cloud/config-connector/dns.yaml')) as any[];
  const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
  assert.is(new Set(names).size, names.length, names.join(', '));
  assert.equal(
    objects.filter((o) => o.spec.resourceRef?.kind === 'DNSManagedZone').map((o) => o.spec.resourceRef.external).sort(),
    ['projects/acme-dns-prod/managedZones/example-com', 'projects/acme-dns-staging/managedZones/example-com'],
  );
});

test('README verify: impersonation proves the grant with a token; direct principal calls the pool account correct', () => {
  const impersonation = file(renderText(zoneSpec()), 'README.md');
  assert.match(impersonation, /gcloud auth print-access-token >\/dev\/null && echo token OK/, 'a call that needs roles/iam.workloadIdentityUser');
  assert.match(impersonation, /lacks the `roles\/iam\.workloadIdentityUser` member `serviceAccount:acme-prod\.svc\.id\.goog\[cert-manager\/cert-manager\]`/);
  const direct = file(
    renderText(spec(`identities:
  - name: dns
    gke: {mode: directPrincipal}
certManager:
  identity: dns
  issuers:
    - name: le
      acme: {server: letsencrypt}
      dns01: {cloudDNS: {project: acme-dns, hostedZoneName: example-com}}
`)),
    'README.md',
  );
  assert.not.match(direct, /broken binding lists `acme-prod\.svc\.id\.goog`/);
  assert.match(direct, /shows `acme-prod\.svc\.id\.goog`, which is correct here/);
  assert.match(direct, /-- gcloud dns record-sets list --zone example-com --project acme-dns --limit 1/);
});

/** Runs `argv` lists through the real gcloud, two at a time, with no credentials. */
async function gcloudParse(commands: readonly string[][]): Promise<{ argv: string[]; code: number; stderr: string }[]> {
  const config = tmpDir('wi-gen-gcloud-config-');
  const one = (argv: string[]) =>
    new Promise<{ argv: string[]; code: number; stderr: string }>((resolve) => {
      const child = spawn('gcloud', argv.slice(1), { env: { ...process.env, CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.resume();
      child.on('close', (code) => resolve({ argv, code: code ?? -1, stderr }));
    });
  const results: { argv: string[]; code: number; stderr: string }[] = [];
  for (let i = 0; i < commands.length; i += 2) results.push(...(await Promise.all(commands.slice(i, i + 2).map(one))));
  return results;
}

/** gcloud's own Python library (under the SDK root) and the Python that runs it, when installed. */
function gcloudSdk(): { python: string; lib: string } | undefined {
  if (!hasTool('gcloud')) return undefined;
  const bin = run('readlink', ['-f', run('sh', ['-c', 'command -v gcloud']).stdout.trim()]).stdout.trim();
  const root = join(bin, '..', '..');
  const bundled = join(root, 'platform', 'bundledpythonunix', 'bin', 'python3');
  const lib = join(root, 'lib');
  if (!existsSync(join(lib, 'googlecloudsdk', 'command_lib', 'iam', 'iam_util.py'))) return undefined;
  return { python: existsSync(bundled) ? bundled : 'python3', lib };
}

const sdk = gcloudSdk();
if (!sdk) {
  test.skip("gcloud's Python library is not installed: the written policy file is not parsed by gcloud's own parser", () => {});
} else {
  test("the policy file dns_zone_iam_member add writes is read by gcloud's own --policy-file parser, etag included", () => {
    assert.ok(mergedPolicyFile, 'the read-modify-write test ran first');
    const parse = (path: string) =>
      run(sdk.python, ['-c', [
        'import sys',
        `sys.path[0:0] = [${JSON.stringify(sdk.lib)}, ${JSON.stringify(join(sdk.lib, 'third_party'))}]`,
        'from googlecloudsdk.command_lib.iam import iam_util',
        'from googlecloudsdk.api_lib.util import apis',
        "policy = iam_util.ParsePolicyFile(sys.argv[1], apis.GetMessagesModule('dns', 'v1').GoogleIamV1Policy)",
        "print(policy.etag.hex(), ';'.join(b.role + '=' + ','.join(b.members) for b in policy.bindings))",
      ].join('\n'), path]);
    const r = parse(mergedPolicyFile);
    assert.is(r.code, 0, r.stderr);
    assert.is(
      r.stdout.trim(),
      `${Buffer.from('BwYx+/9=', 'base64').toString('hex')} roles/dns.admin=serviceAccount:new@p.iam.gserviceaccount.com,user:ann@acme.example;roles/dns.reader=group:ops@acme.example,user:bob@acme.example`,
    );
    // Planted bad input: a file that is not a policy fails the same parser.
    const bad = join(tmpDir('wi-gen-zone-policy-'), 'bad.json');
    writeFileSync(bad, '{"bindings": [{"role": "roles/dns.admin", "members": "not-a-list"}]}\n');
    assert.is.not(parse(bad).code, 0);
  });
}

if (!hasTool('gcloud')) {
  test.skip('gcloud is not installed: the generated gcloud commands are not parsed', () => {});
} else {
  test('every gcloud command the script runs (both branches) parses with the real gcloud', async () => {
    const script = file(renderText(zoneSpec()), 'cloud/gcloud.sh');
    const dir = tmpDir('wi-gen-gcloud-argv-');
    writeFileSync(join(dir, 'gcloud.sh'), script);
    // A logging stub: with EXISTS=1 describe succeeds and says the role is deleted (else branch).
    const stubs = tmpDir('wi-gen-gcloud-stub-');
    writeFileSync(
      join(stubs, 'gcloud'),
      `#!${process.execPath}\nconst argv = ['gcloud', ...process.argv.slice(2)];\nrequire('fs').appendFileSync(process.env.LOG, JSON.stringify(argv) + '\\n');\nif (argv.includes('describe')) { if (process.env.EXISTS !== '1') process.exit(1); if (argv.includes('value(deleted)')) console.log('True'); }\n`,
    );
    chmodSync(join(stubs, 'gcloud'), 0o755);
    const seen = new Map<string, string[]>();
    for (const exists of ['0', '1']) {
      const log = join(dir, `argv-${exists}`);
      writeFileSync(log, '');
      const r = run('bash', [join(dir, 'gcloud.sh')], { env: { PATH: `${stubs}:/usr/bin:/bin`, LOG: log, EXISTS: exists } });
      assert.is(r.code, 0, r.stderr);
      for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) seen.set(line, JSON.parse(line) as string[]);
    }
    const verbs = [...seen.values()].map((a) => a.slice(1, 4).join(' '));
    for (const expected of ['iam roles undelete', 'iam roles update', 'dns managed-zones set-iam-policy', 'dns managed-zones get-iam-policy', 'iam service-accounts create']) {
      assert.ok(verbs.includes(expected), `${expected} not run; ran ${verbs.join(', ')}`);
    }
    // set-iam-policy reads its --policy-file before it authenticates: give it a real one.
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, '{"bindings": []}\n');
    // The shapes this module added or changed (the conformance suite parses everything else);
    // gcloud takes 1-2 s a call on this machine.
    const changed = /^(iam roles (undelete|update|describe)|dns managed-zones|iam service-accounts add-iam-policy-binding)/;
    const commands = [
      ...new Map(
        [...seen.values()]
          .filter((a) => changed.test(a.slice(1, 4).join(' ')) && !(a[3] === 'describe' && !a.includes('value(deleted)')))
          .map((a) => a.map((w, i) => (a[i - 1] === '--policy-file' ? policy : w)))
          .map((a) => [JSON.stringify(a), a] as const),
      ).values(),
    ];
    assert.is(commands.length, 7, commands.map((c) => c.join(' ')).join('\n'));
    // The planted bad input: the managed-zone command this project used to emit.
    const planted = ['gcloud', 'dns', 'managed-zones', 'add-iam-policy-binding', 'example-com', '--project', 'acme-dns', '--role', 'roles/dns.admin', '--member', 'user:a@acme.example'];
    const results = await gcloudParse([...commands, planted]);
    const bad = results.pop();
    assert.is(bad?.code, 2, 'the check fails on a command gcloud does not have');
    assert.match(bad?.stderr ?? '', /Invalid choice/);
    for (const r of results) {
      assert.is(r.code, 1, `${r.argv.join(' ')}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, /You do not currently have an active account selected/, r.argv.join(' '));
    }
  });
}

test.run();
