// Lifecycle: the grant record, cloud/prune.sh after a binding leaves the spec, cloud/teardown.sh.
// Scripts run under bash with stand-in CLIs on PATH that log their argv and answer "it exists",
// so every removal branch runs; the logged commands are what the assertions read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../src/spec/load.js';
import { render } from '../src/render.js';
import { EMPTY_RECORD, GRANT_RECORD_FILE, grantRecordParts, parseGrantRecord, type GrantRecord } from '../src/lifecycle/record.js';
import type { CloudGrant } from '../src/model/cloud-grant.js';
import { grantKey } from '../src/lifecycle/cloud-grant.js';
import { METHODS } from '../src/methods/registry.js';
import { main } from '../src/cli/main.js';
import { examplesDir } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';

const CLIS = ['gcloud', 'az', 'aws', 'vault', 'kubectl'];

function renderExample(example: string, edit: (t: string) => string, previous: GrantRecord = EMPTY_RECORD, pruned = false) {
  const text = edit(readFileSync(join(examplesDir, example, 'spec.yaml'), 'utf8'));
  const loaded = loadSpec(text, { file: 'spec.yaml' });
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const files = new Map(render(loaded.model, [], { previous, pruned }).files.map((f) => [f.path, f.content]));
  return { files, record: parseGrantRecord(files.get(GRANT_RECORD_FILE) as string) };
}

/** Runs a script with logging stand-ins for every CLI; returns the commands it ran. */
function runWithStandIns(script: string, args: string[] = [], env: Record<string, string> = {}, probesFail = false): { code: number; commands: string[]; stderr: string } {
  const dir = tmpDir('wi-gen-lifecycle-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'log');
  writeFileSync(log, '');
  for (const cli of CLIS) {
    // Probes answer with a plausible non-empty line, so "look before deleting" finds something.
    // With probesFail, lookups (describe/show/get…) fail: the create branches of a create script run.
    const probe = probesFail ? 'case " $* " in *" describe "*|*" show "*|*" get-role "*) exit 1;; esac\n' : '';
    writeFileSync(join(bin, cli), `#!/usr/bin/env bash\nprintf '%s\\n' "${cli} $*" >> ${JSON.stringify(log)}\n${probe}echo 0b5c7a4e-1111-4222-8333-444455556666\n`);
    chmodSync(join(bin, cli), 0o755);
  }
  const path = join(dir, 'script.sh');
  writeFileSync(path, script);
  const r = run('bash', [path, ...args], { env: { PATH: `${bin}:${process.env['PATH']}`, ...env } });
  return { code: r.code, commands: readFileSync(log, 'utf8').split('\n').filter(Boolean), stderr: r.stderr };
}

const deletes = (commands: string[]) => commands.filter((c) => /\b(delete|remove-iam-policy-binding|detach-role-policy|delete-role-policy|set-iam-policy|delete-pod-identity-association)\b/.test(c));

// [method, example, edit that drops one binding's grants, keys that must be pruned, a substring every delete must contain]
const cases: [string, string, (t: string) => string, RegExp[], RegExp][] = [
  ['gke', 'gke-multi-workload-migration', (t) => t.replace(/  - identity: storefront\n    serviceAccount: \{namespace: shop, name: checkout\}\n    workloads:\n      - \{kind: Deployment, name: checkout\}\n      - \{kind: StatefulSet, name: order-queue\}\n/, ''),
    [/^gcloud\/iam\/service-account\/storefront@shop-prod-1234\.iam\.gserviceaccount\.com\/roles\/iam\.workloadIdentityUser\/serviceAccount:shop-prod-1234\.svc\.id\.goog\[shop\/checkout\]$/],
    /remove-iam-policy-binding storefront@shop-prod-1234.iam.gserviceaccount.com .*\[shop\/checkout\]/],
  ['azureWorkloadIdentity', 'aks-workload-identity', (t) => t.replace(/  - identity: invoice-reader\n    serviceAccount: \{namespace: billing, name: invoice-exporter\}\n    workloads:\n      - \{kind: CronJob, name: invoice-export\}\n/, ''),
    [/^az\/federated-credential\/rg-identities\/id-invoice-reader\/system:serviceaccount:billing:invoice-exporter@/, /^kubectl\/managedidentity.azure.com\/v1api20230131\/FederatedIdentityCredential\/azure-identities\/aks-prod-weu-billing-invoice-exporter$/],
    /federated-credential delete .*--identity-name id-invoice-reader/],
  ['awsPodIdentity', 'eks-pod-identity', (t) => t.replace('serviceAccount: {namespace: orders, name: worker, create: false}', 'serviceAccount: {namespace: orders-v2, name: worker, create: false}'),
    [/^aws\/pod-identity-association\/us-east-2\/shop-prod-us-east-2\/orders\/worker$/],
    /delete-pod-identity-association --region us-east-2 --cluster-name shop-prod-us-east-2/],
  ['awsIrsa', 'eks-irsa-cert-manager', (t) => t.replace(/  - identity: reports\n    serviceAccount: \{namespace: reports, name: reporter\}\n    workloads: \[\{kind: CronJob, name: nightly-report\}\]\n/, ''),
    [/^aws\/trust\/reports-s3-read\/system:serviceaccount:reports:reporter$/],
    /^$/],
  ['azureKubeletIdentity', 'aks-kubelet-identity', (t) => t.replace('resourceGroupName: rg-dns-zones', 'resourceGroupName: rg-dns-zones-2'),
    [/^az\/role-assignment\/kubelet\/rg-aks-legacy\/aks-legacy-neu\/befefa01-2a29-4197-83a8-272ff33ce314\/\/subscriptions\/.*\/resourcegroups\/rg-dns-zones$/],
    /^az role assignment delete --ids /],
  ['aadPodIdentity', 'aks-pod-identity-legacy', (t) => t.replace(/      roles:\n        - role: Key Vault Secrets User\n          scope: \/subscriptions\/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\/resourceGroups\/rg-orders\/providers\/Microsoft.KeyVault\/vaults\/kv-orders\n/, ''),
    [/^az\/role-assignment\/identity-id\/.*id-orders\/4633458b-17de-408a-b874-0445c86b69e6\//],
    /^az role assignment delete --ids /],
  ['azureServicePrincipalVault', 'aks-vault-service-principal', (t) => t.replace('      vault:\n', '      vault:\n        kubernetesAuth: {role: cert-manager-dns}\n'),
    [/^vault\/auth\/kubernetes\/role\/azuredns$/, /^vault\/policy\/azuredns$/],
    /^vault (delete auth\/kubernetes\/role\/azuredns|policy delete azuredns)$/],
  ['awsServiceAccountRef', 'eks-dedicated-serviceaccount', (t) => t.replace(/serviceAccountName: route53-dns01/, 'serviceAccountName: route53-solver'),
    [/^aws\/trust\/team-a-route53\/system:serviceaccount:team-a:route53-dns01$/],
    /^$/],
];

test('every method says what its cloud scripts grant (cloudGrants), so prune and teardown can undo it', () => {
  assert.equal(METHODS.filter((m) => typeof m.cloudGrants !== 'function').map((m) => m.key), []);
});

for (const [method, example, edit, keys, deleteShape] of cases) {
  test(`prune (${method}): dropping one binding prunes exactly its grants`, () => {
    const before = renderExample(example, (t) => t);
    assert.not.ok(before.files.has('cloud/prune.sh'), 'a first render has nothing to prune');
    const after = renderExample(example, edit, before.record);
    const pruned = after.record.prune.map(grantKey);
    assert.is(pruned.length, keys.length, `pruned: ${pruned.join(', ')}`);
    keys.forEach((k, i) => assert.match(pruned[i] ?? '', k));
    const prune = after.files.get('cloud/prune.sh');
    assert.ok(prune, 'prune.sh is written');
    assert.match(after.files.get('README.md') ?? '', /\*\*To prune:\*\*/);
    const { code, commands, stderr } = runWithStandIns(prune as string);
    // A trust subject only checks that aws.sh rewrote the trust: the stand-in trust names nobody.
    assert.is(code, 0, stderr);
    const removed = deletes(commands);
    if (deleteShape.source === '^$') assert.equal(removed, []);
    else {
      assert.ok(removed.length > 0, commands.join('\n'));
      for (const c of removed) assert.match(c, deleteShape);
    }
    // Rendering again keeps the prune until --pruned; re-adding the binding drops it.
    const again = renderExample(example, edit, after.record);
    assert.equal(again.record.prune.map(grantKey), pruned);
    assert.equal(renderExample(example, edit, after.record, true).record.prune, []);
    const readded = renderExample(example, (t) => t, after.record).record.prune.map(grantKey);
    assert.ok(pruned.every((k) => !readded.includes(k)), `re-added grants are not pruned: ${readded.join(', ')}`);
  });
}

test('prune: a trust policy that still names the pruned subject stops the script', () => {
  const [, example, edit] = cases.find((c) => c[0] === 'awsIrsa') as (typeof cases)[number];
  const after = renderExample(example, edit, renderExample(example, (t) => t).record);
  const dir = tmpDir('wi-gen-trust-');
  const fake = join(dir, 'aws');
  writeFileSync(fake, '#!/usr/bin/env bash\necho \'{"Condition": {"StringEquals": {"x:sub": ["system:serviceaccount:reports:reporter"]}}}\'\n');
  chmodSync(fake, 0o755);
  const script = join(dir, 'prune.sh');
  writeFileSync(script, after.files.get('cloud/prune.sh') as string);
  const r = run('bash', [script], { env: { PATH: `${dir}:${process.env['PATH']}` } });
  assert.is(r.code, 1);
  assert.match(r.stderr, /role reports-s3-read still trusts system:serviceaccount:reports:reporter: run cloud\/aws.sh first/);
});

test('teardown: refuses without --yes, then removes grants before the identities that hold them', () => {
  const { files } = renderExample('aks-workload-identity', (t) => t);
  const teardown = files.get('cloud/teardown.sh') as string;
  const refused = runWithStandIns(teardown);
  assert.is(refused.code, 2);
  assert.equal(refused.commands, []);
  assert.match(refused.stderr, /run: .* --yes \(or WI_GEN_TEARDOWN=yes\)/);
  const { code, commands } = runWithStandIns(teardown, ['--yes']);
  assert.is(code, 0);
  const removed = deletes(commands);
  const firstIdentityDelete = removed.findIndex((c) => c.startsWith('az identity delete'));
  const lastGrantDelete = removed.map((c) => !c.startsWith('az identity delete')).lastIndexOf(true);
  assert.ok(firstIdentityDelete > lastGrantDelete, removed.join('\n'));
  // Only the identity the spec creates is deleted; id-invoice-reader is create: false.
  assert.equal(removed.filter((c) => c.startsWith('az identity delete')).map((c) => c.replace(/.*--name /, '')), ['id-cert-manager-dns01']);
  assert.ok(removed.some((c) => c.includes('federated-credential delete') && c.includes('invoice-reader')));
  assert.is(runWithStandIns(teardown, [], { WI_GEN_TEARDOWN: 'yes' }).code, 0);
});

test('teardown is the reverse of create: each create in gcloud.sh has its delete, in reverse order', () => {
  const { files } = renderExample('gke-multi-workload-migration', (t) => t);
  const create = runWithStandIns(files.get('cloud/gcloud.sh') as string, [], {}, true).commands.filter((c) => / (create|add-iam-policy-binding) /.test(c));
  const remove = deletes(runWithStandIns(files.get('cloud/teardown.sh') as string, ['--yes']).commands);
  const made = create.map((c) => (/service-accounts create (\S+)/.exec(c)?.[1] ?? /--member (\S+)/.exec(c)?.[1]) as string);
  const undone = remove.map((c) => (/service-accounts delete (\S+?)@/.exec(c)?.[1] ?? /--member (\S+)/.exec(c)?.[1]) as string);
  assert.equal([...undone].sort(), [...made].sort());
  // Service accounts are created first and deleted last.
  assert.ok(remove.findIndex((c) => c.includes('service-accounts delete')) > remove.findIndex((c) => c.includes('remove-iam-policy-binding')));
});

test('record: deterministic, and a foreign record is a clean error with its path', () => {
  const a = renderExample('eks-pod-identity', (t) => t).files.get(GRANT_RECORD_FILE);
  const b = renderExample('eks-pod-identity', (t) => t).files.get(GRANT_RECORD_FILE);
  assert.is(a, b);
  const dir = tmpDir('wi-gen-record-');
  const out = join(dir, 'out');
  mkdirSync(out);
  writeFileSync(join(out, GRANT_RECORD_FILE), '{"kind": "Something"}');
  let err = '';
  const code = main([join(examplesDir, 'eks-pod-identity', 'spec.yaml'), '-o', out], { stdout: () => {}, stderr: (t) => (err += t), readStdin: () => ({ bytes: Buffer.alloc(0), truncated: false }) });
  assert.is(code, 2);
  assert.match(err, /\.wi-gen-grants\.json: not a wi-gen grant record/);
  // A record linked elsewhere is not read through the link.
  rmSync(join(out, GRANT_RECORD_FILE));
  symlinkSync('/etc/hostname', join(out, GRANT_RECORD_FILE));
  err = '';
  assert.is(main([join(examplesDir, 'eks-pod-identity', 'spec.yaml'), '-o', out], { stdout: () => {}, stderr: (t) => (err += t), readStdin: () => ({ bytes: Buffer.alloc(0), truncated: false }) }), 2);
  assert.match(err, /\.wi-gen-grants\.json: the grant record is a symbolic link to \/etc\/hostname, not a regular file/);
});

test('prune and teardown scripts pass shellcheck', () => {
  if (!hasTool('shellcheck')) {
    console.log('  skipped: shellcheck is not installed');
    return;
  }
  const dir = tmpDir('wi-gen-shellcheck-');
  const scripts: string[] = [];
  for (const [method, example, edit] of cases) {
    const after = renderExample(example, edit, renderExample(example, (t) => t).record);
    for (const name of ['cloud/prune.sh', 'cloud/teardown.sh']) {
      const text = after.files.get(name);
      if (!text) continue;
      const p = join(dir, `${method}-${name.replace('cloud/', '')}`);
      writeFileSync(p, text);
      scripts.push(p);
    }
  }
  const r = run('shellcheck', ['--severity=style', ...scripts]);
  assert.is(r.code, 0, r.stdout);
});

test('the grant record, made a grant at a time, is JSON.stringify(record, null, 2) and a newline', () => {
  const sa: CloudGrant = { cli: 'gcloud', kind: 'gcp-service-account', email: 'a@p.iam.gserviceaccount.com', project: 'p', created: true };
  const binding: CloudGrant = { cli: 'gcloud', kind: 'gcp-iam-binding', resource: { type: 'project', project: 'p' }, role: 'roles/x', member: 'principal://…/"quoted"\nline' };
  const federated: CloudGrant = { cli: 'az', kind: 'azure-federated-credential', resourceGroup: 'rg', identityName: 'id', name: 'fc', issuer: 'https://issuer/', subject: 'system:serviceaccount:ns:sa' };
  const records: GrantRecord[] = [EMPTY_RECORD, { grants: [sa], prune: [] }, { grants: [], prune: [binding] }, { grants: [sa, binding, federated], prune: [federated, sa] }];
  for (const record of records) {
    const expected = `${JSON.stringify({ apiVersion: 'wi-gen.dev/v1alpha1', kind: 'GrantRecord', grants: record.grants, prune: record.prune }, null, 2)}\n`;
    const parts = [...grantRecordParts(record)];
    assert.is(parts.join(''), expected);
    assert.ok(parts.length >= record.grants.length + record.prune.length, 'one part (at least) a grant');
    assert.equal(parseGrantRecord(parts.join('')), record);
  }
});

test.run();
