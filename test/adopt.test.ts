// Adoption (issue 18): the opt-in import blocks (cloud/terraform/adopt/imports.tf) and the README's lookup
// recipes that let Terraform take over objects cloud/*.sh or a hand already made. Schema checks of the
// import blocks against every spec's module run in terraform-schema.test.ts; here: literal IDs per cloud,
// agreement with the scripts' object names, the create: false interplay, the recipes' shell, and
// `terraform fmt` / `terraform validate` (AWS, offline mirror) on a module with the file copied in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { examplesDir, renderText } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';
import { adoption } from '../src/emit/terraform-imports.js';
import { attr, block, expr } from '../src/format/hcl.js';

const ADOPT = 'cloud/terraform/adopt/imports.tf';

const renderExample = (name: string) => renderText(readFileSync(join(examplesDir, name, 'spec.yaml'), 'utf8'), `${name}.yaml`);
const fileOf = (files: readonly { path: string; content: string }[], path: string): string | undefined => files.find((f) => f.path === path)?.content;

/** `to` → `id` of every import block in a file. */
function importsIn(hcl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of hcl.matchAll(/^import \{\n(?:  #.*\n)*  to = (\S+)\n  id = "([^"]*)"\n\}/gm)) out[m[1] as string] = m[2] as string;
  return out;
}

const EXPECTED: Record<string, Record<string, string>> = {
  'gke-cert-manager': {
    'google_service_account.dns01-solver': 'projects/acme-prod-dns/serviceAccounts/dns01-solver@acme-prod-dns.iam.gserviceaccount.com',
    'google_project_iam_custom_role.dns01-solver_acme-prod-dns': 'projects/acme-prod-dns/roles/wigen_dns01_dns01_solver',
  },
  'aks-workload-identity': {
    'azurerm_user_assigned_identity.dns01-solver':
      '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cert-manager-dns01',
    'azurerm_federated_identity_credential.dns01-solver_cert-manager_cert-manager':
      '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cert-manager-dns01/federatedIdentityCredentials/aks-prod-weu-cert-manager-cert-manager',
    'azurerm_federated_identity_credential.invoice-reader_billing_invoice-reader':
      '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-invoice-reader/federatedIdentityCredentials/aks-prod-weu-billing-invoice-reader',
    'azurerm_federated_identity_credential.invoice-reader_billing_invoice-exporter':
      '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-invoice-reader/federatedIdentityCredentials/aks-prod-weu-billing-invoice-exporter',
  },
  'eks-pod-identity': { 'aws_iam_role.dns01-solver': 'shop-cert-manager-route53', 'aws_iam_role.orders-worker': 'shop-orders-queue' },
  'aks-vault-service-principal': { 'vault_azure_secret_backend.azuredns': 'azure' },
};

for (const [example, expected] of Object.entries(EXPECTED)) {
  test(`${example}: import blocks adopt exactly these objects, by these IDs`, () => {
    const imports = fileOf(renderExample(example).files, ADOPT);
    assert.ok(imports, `no ${ADOPT}`);
    assert.equal(importsIn(imports as string), expected);
  });
}

/** The script that makes each adoptable type's objects, and the part of the import ID that names the object there. */
const SCRIPT_NAME: Record<string, { script: string; name: (id: string) => string }> = {
  google_service_account: { script: 'cloud/gcloud.sh', name: (id) => id.slice(id.lastIndexOf('/') + 1) },
  google_project_iam_custom_role: { script: 'cloud/gcloud.sh', name: (id) => id.slice(id.lastIndexOf('/') + 1) },
  azurerm_user_assigned_identity: { script: 'cloud/az.sh', name: (id) => id.slice(id.lastIndexOf('/') + 1) },
  azurerm_federated_identity_credential: { script: 'cloud/az.sh', name: (id) => id.slice(id.lastIndexOf('/') + 1) },
  aws_iam_role: { script: 'cloud/aws.sh', name: (id) => id },
  vault_azure_secret_backend: { script: 'cloud/vault.sh', name: (id) => id },
};

test('every example: each import ID names an object the cloud script of the same tree makes (the scripts-to-Terraform path)', () => {
  let checked = 0;
  for (const example of Object.keys(EXPECTED).concat(['gke-cronjob', 'gke-multi-workload-migration', 'eks-irsa-cert-manager', 'eks-dedicated-serviceaccount'])) {
    const { files } = renderExample(example);
    for (const [address, id] of Object.entries(importsIn(fileOf(files, ADOPT) ?? ''))) {
      const rule = SCRIPT_NAME[address.split('.')[0] as string];
      assert.ok(rule, `${example}: ${address}: no script rule`);
      const script = fileOf(files, (rule as (typeof SCRIPT_NAME)[string]).script) ?? '';
      const name = (rule as (typeof SCRIPT_NAME)[string]).name(id);
      assert.ok(new RegExp(`(^|[\\s'"/=])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s'"])`, 'm').test(script), `${example}: ${address}: ${name} is not in ${rule?.script}`);
      checked++;
    }
  }
  assert.ok(checked >= 15, `only ${checked} imports checked`);
});

test('fresh clouds are unaffected: no example module itself holds an import block (the adoption file is opt-in)', () => {
  for (const example of Object.keys(EXPECTED)) {
    for (const f of renderExample(example).files.filter((x) => /^cloud\/terraform\/[^/]+\.tf$/.test(x.path))) {
      assert.not.match(f.content, /^import \{/m, `${f.path} of ${example}`);
    }
  }
});

const ROLES_SPEC = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  eks: {accountID: "111122223333", region: eu-west-1, oidcProviderARN: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"}
identities:
  - name: adopted
    awsIrsa: {create: false, roleARN: "arn:aws:iam::111122223333:role/existing"}
  - name: made
    awsIrsa: {roleARN: "arn:aws:iam::111122223333:role/team/made"}
bindings:
  - identity: adopted
    serviceAccount: {namespace: a, name: a}
  - identity: made
    serviceAccount: {namespace: b, name: b}
`;

test('create: false roles: imported by the module itself, left out of the adoption file (a second import of one address is an error)', () => {
  const { files } = renderText(ROLES_SPEC, 'roles.yaml');
  const module = files.filter((f) => /^cloud\/terraform\/[^/]+\.tf$/.test(f.path)).map((f) => importsIn(f.content));
  assert.equal(Object.assign({}, ...module), { 'aws_iam_role.adopted': 'existing' });
  assert.equal(importsIn(fileOf(files, ADOPT) ?? ''), { 'aws_iam_role.made': 'made' }, 'the role name, without its path');
  const readme = fileOf(files, 'README.md') ?? '';
  assert.match(readme, /A role the spec marks `create: false` is imported by the module itself/);
});

/** The README's adoption section and its shell block (the recipes). */
function recipesOf(readme: string): string {
  const section = readme.slice(readme.indexOf('## Adopting existing resources'));
  const m = /```sh\n([\s\S]*?)\n *```/.exec(section);
  return m ? (m[1] as string).replace(/^ {3}/gm, '') : '';
}

test('eks-pod-identity: the README looks each Pod Identity association up and imports it as CLUSTER,ID', () => {
  const readme = fileOf(renderExample('eks-pod-identity').files, 'README.md') ?? '';
  assert.match(readme, /^## Adopting existing resources$/m);
  const recipes = recipesOf(readme);
  assert.equal(recipes.split('\n').slice(0, 9), [
    '# aws_eks_pod_identity_association.dns01-solver_cert-manager_cert-manager: EKS Pod Identity association of cert-manager/cert-manager in cluster shop-prod-us-east-2',
    'ID="$(aws eks list-pod-identity-associations \\',
    '    --region us-east-2 \\',
    '    --cluster-name shop-prod-us-east-2 \\',
    '    --namespace cert-manager \\',
    '    --service-account cert-manager \\',
    "    --query 'associations[0].associationId' \\",
    '    --output text)"',
    'if [ -n "$ID" ] && [ "$ID" != None ]; then terraform -chdir=cloud/terraform import aws_eks_pod_identity_association.dns01-solver_cert-manager_cert-manager shop-prod-us-east-2,"$ID"; fi',
  ]);
});

const RECIPE_EXAMPLES = ['aks-workload-identity', 'aks-kubelet-identity', 'aks-pod-identity-legacy', 'aks-vault-service-principal', 'eks-pod-identity', 'eks-irsa-cert-manager'];
test(`recipes parse as bash and pass shellcheck${hasTool('shellcheck') ? '' : ' (shellcheck skipped: not on PATH)'}`, () => {
  const dir = tmpDir('wi-gen-adopt-sh-');
  let recipes = 0;
  for (const example of RECIPE_EXAMPLES) {
    const sh = recipesOf(fileOf(renderExample(example).files, 'README.md') ?? '');
    if (!sh) continue;
    recipes += (sh.match(/ import /g) ?? []).length;
    const path = join(dir, `${example}.sh`);
    writeFileSync(path, `#!/usr/bin/env bash\nset -euo pipefail\n${sh}\n`);
    const parsed = run('bash', ['-n', path]);
    assert.is(parsed.code, 0, `${example}: ${parsed.stderr}`);
    if (hasTool('shellcheck')) {
      const sc = run('shellcheck', ['-s', 'bash', path]);
      assert.is(sc.code, 0, `${example}:\n${sc.stdout}${sc.stderr}`);
    }
  }
  assert.ok(recipes >= 6, `only ${recipes} recipes`);
  if (!hasTool('shellcheck')) console.log('skip: shellcheck of the adoption recipes: shellcheck not on PATH');
  // A planted bad recipe is caught by the same checks: an unquoted variable.
  if (hasTool('shellcheck')) {
    const bad = join(dir, 'planted.sh');
    writeFileSync(bad, '#!/usr/bin/env bash\nID="$(echo x)"\nterraform import a.b $ID\n');
    assert.is.not(run('shellcheck', ['-s', 'bash', bad]).code, 0, 'shellcheck catches an unquoted $ID');
  }
});

/**
 * Runs the recipes of a README with az, aws and terraform stubbed: each stub records its argv and prints a
 * stand-in answer (a principal / assignment ID for az, an association ID for aws), so the terraform import
 * lines can be asserted as the shell actually expands them.
 */
function runRecipes(readme: string, answers: { az: string; aws: string }): string[][] {
  const dir = tmpDir('wi-gen-adopt-run-');
  const log = join(dir, 'calls.log');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const [tool, answer] of [['az', answers.az], ['aws', answers.aws], ['terraform', '']] as const) {
    const stub = join(bin, tool);
    writeFileSync(stub, `#!/usr/bin/env bash\n{ printf '%s\\037' ${tool} "$@"; printf '\\036'; } >> '${log}'\n${answer ? `printf '%s\\n' '${answer}'\n` : ''}`);
    run('chmod', ['+x', stub]);
  }
  const script = join(dir, 'recipes.sh');
  writeFileSync(script, `set -euo pipefail\n${recipesOf(readme)}\n`);
  const r = run('bash', [script], { env: { PATH: `${bin}:${process.env['PATH']}` } });
  assert.is(r.code, 0, r.stderr);
  return readFileSync(log, 'utf8').split('\x1e').filter(Boolean).map((c) => c.split('\x1f').slice(0, -1));
}

const readmeOf = (example: string) => fileOf(renderExample(example).files, 'README.md') ?? '';

test('recipes run: each lookup feeds its terraform import line, which imports the address by the documented ID form', () => {
  const eks = runRecipes(readmeOf('eks-pod-identity'), { az: '', aws: 'a-0123456789abcdef0' }).filter((c) => c[0] === 'terraform');
  assert.equal(eks, [
    ['terraform', '-chdir=cloud/terraform', 'import', 'aws_eks_pod_identity_association.dns01-solver_cert-manager_cert-manager', 'shop-prod-us-east-2,a-0123456789abcdef0'],
    ['terraform', '-chdir=cloud/terraform', 'import', 'aws_eks_pod_identity_association.orders-worker_orders_worker', 'shop-prod-us-east-2,a-0123456789abcdef0'],
  ]);
  const assignment = '/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourceGroups/rg-dns/providers/Microsoft.Network/dnsZones/contoso.example/providers/Microsoft.Authorization/roleAssignments/11111111-2222-3333-4444-555555555555';
  const aks = runRecipes(readmeOf('aks-workload-identity'), { az: assignment, aws: '' });
  const list = aks.find((c) => c[1] === 'role' && c[3] === 'list') as string[];
  // The principal looked up first reaches the query (here the stub's one answer stands for both).
  assert.ok(list[list.indexOf('--query') + 1]?.startsWith(`[?principalId=='${assignment}' && ends_with(roleDefinitionId, '/`), list.join(' '));
  assert.equal(aks.filter((c) => c[0] === 'terraform')[0], ['terraform', '-chdir=cloud/terraform', 'import', 'azurerm_role_assignment.dns01-solver_dns-contoso_example', assignment]);
  // Nothing found: no import is attempted.
  const none = runRecipes(readmeOf('eks-pod-identity'), { az: '', aws: 'None' });
  assert.equal(none.filter((c) => c[0] === 'terraform'), []);
});

test(`recipe lookups get past the real CLIs' argument parsing${hasTool('az') && hasTool('aws') ? '' : ' (skipped where az or aws is not on PATH)'}`, async () => {
  const calls = ['aks-workload-identity', 'aks-kubelet-identity', 'aks-vault-service-principal', 'eks-pod-identity'].flatMap((e) =>
    runRecipes(readmeOf(e), { az: '00000000-0000-0000-0000-000000000000', aws: 'a-0' }).filter((c) => c[0] !== 'terraform'),
  );
  // One call of each shape, plus a planted bad flag that the same test must catch.
  const shapes = new Map<string, string[]>();
  for (const c of calls) shapes.set(c.slice(0, c.findIndex((w) => w.startsWith('-'))).join(' '), c);
  assert.equal([...shapes.keys()].sort(), ['aws eks list-pod-identity-associations', 'az ad sp show', 'az aks show', 'az identity show', 'az role assignment list']);
  shapes.set('planted', ['az', 'role', 'assignment', 'list', '--assignee-object-id', 'x', '--output', 'tsv']);
  shapes.set('planted aws', ['aws', 'eks', 'list-pod-identity-associations', '--region', 'us-east-2', '--service-acount', 'x']);
  const config = tmpDir('wi-gen-adopt-az-');
  // No credentials, no profile: the CLI parses, then stops before any request.
  const awsEnv: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  for (const k of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete awsEnv[k];
  const cliRun = (tool: string, argv: string[]) =>
    new Promise<{ code: number; text: string }>((resolve) => {
      const args = tool === 'aws' ? [...argv, '--cli-connect-timeout', '1'] : argv;
      const env = tool === 'az' ? { ...process.env, AZURE_CONFIG_DIR: config } : awsEnv;
      execFile(tool, args, { env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, text: stdout + stderr }),
      );
    });
  const entries = [...shapes].filter(([key, [tool]]) => {
    if (hasTool(tool as string)) return true;
    console.log(`skip: ${key}: ${tool} not on PATH`);
    return false;
  });
  // Two at a time: a CLI start takes 0.5-1.5 s on a quiet machine.
  for (let i = 0; i < entries.length; i += 2) {
    const batch = entries.slice(i, i + 2);
    const results = await Promise.all(batch.map(([, [tool, ...argv]]) => cliRun(tool as string, argv)));
    batch.forEach(([key, [tool]], j) => {
      const { code, text } = results[j] as { code: number; text: string };
      const rejected = /unrecognized arguments|misspelled or not recognized|Unknown options|the following arguments are required|Invalid choice|Parameter validation failed/.test(text);
      if (key.startsWith('planted')) {
        assert.ok(rejected, `${key} was not caught: ${text}`);
        return;
      }
      assert.not.ok(rejected, `${key}: ${text}`);
      // Parsed, then stopped for want of a login / credentials.
      assert.ok(tool === 'az' ? code === 1 && /az login/.test(text) : /Unable to locate credentials|Could not connect/.test(text), `${key}: exit ${code}: ${text}`);
    });
  }
});

test('a cluster without subscriptionID: the kubelet lookup leaves --subscription to az, as the provider leaves it to its environment', () => {
  const spec = readFileSync(join(examplesDir, 'aks-kubelet-identity', 'spec.yaml'), 'utf8');
  const without = spec.replace(/^    subscriptionID: .*\n/m, '');
  assert.is.not(without, spec);
  const files = renderText(without, 'no-subscription.yaml').files;
  assert.not.match(fileOf(files, 'cloud/terraform/versions.tf') ?? '', 'subscription_id');
  const recipes = recipesOf(fileOf(files, 'README.md') ?? '');
  assert.match(recipes, /PRINCIPAL_ID="\$\(az aks show \\\n {4}--resource-group rg-aks-legacy/);
  assert.not.match(recipes.split('ID="')[1] ?? '', '--subscription');
});

test('adoption() refuses a resource type without a rule, and a reference it cannot resolve', () => {
  const providers = { google: { source: 'hashicorp/google', version: '>= 6' } };
  assert.throws(
    () => adoption([{ file: 'x.tf', providers, blocks: [block('resource', ['google_storage_bucket', 'b'], [attr('name', 'b')])] }], new Map(Object.entries(providers))),
    /google_storage_bucket\.b: no adoption rule for resource type google_storage_bucket/,
  );
  const azurerm = { azurerm: { source: 'hashicorp/azurerm', version: '>= 4.65', configuration: [attr('subscription_id', '00000000-0000-0000-0000-000000000000')] } };
  assert.throws(
    () =>
      adoption([
        {
          file: 'x.tf',
          providers: azurerm,
          blocks: [block('resource', ['azurerm_federated_identity_credential', 'c'], [attr('name', 'c'), attr('user_assigned_identity_id', expr('azurerm_user_assigned_identity.gone.id'))])],
        },
      ], new Map(Object.entries(azurerm))),
    /azurerm_federated_identity_credential\.c: argument user_assigned_identity_id references azurerm_user_assigned_identity\.gone\.id, which is not declared here/,
  );
});

// ----------------------------------------------------------------------------------------- terraform itself

const mirror = ['/opt/tf-plugins', process.env['WI_GEN_TF_PLUGIN_DIR']].find((d) => d && existsSync(join(d, 'registry.terraform.io', 'hashicorp', 'aws')));
const tfSkip = !hasTool('terraform') ? 'no terraform on PATH' : undefined;
const validateSkip = tfSkip ?? (!mirror ? 'no Terraform filesystem mirror with hashicorp/aws (WI_GEN_TF_PLUGIN_DIR or /opt/tf-plugins)' : undefined);
const env = { CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_PLUGIN_CACHE_DIR: undefined, TF_CLI_ARGS: undefined };

/** A module directory as a team adopting runs it: cloud/terraform/*.tf plus the adoption file copied in. */
function adoptedModule(example: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of renderExample(example).files) {
    if (/^cloud\/terraform\/[^/]+\.tf$/.test(f.path) || f.path === ADOPT) writeFileSync(join(dir, f.path.slice(f.path.lastIndexOf('/') + 1)), f.content);
  }
  assert.ok(existsSync(join(dir, 'imports.tf')), `${example}: no adoption file`);
}

test(`terraform fmt -check: every adoption file${tfSkip ? ` (skipped: ${tfSkip})` : ''}`, () => {
  if (tfSkip) {
    console.log(`skip: terraform fmt of the adoption files: ${tfSkip}`);
    return;
  }
  const dir = tmpDir('wi-gen-adopt-fmt-');
  for (const example of Object.keys(EXPECTED)) writeFileSync(join(dir, `${example}.tf`), fileOf(renderExample(example).files, ADOPT) as string);
  const fmt = run('terraform', ['fmt', '-check', '-list=true', dir], { env });
  assert.is(fmt.code, 0, `not in terraform fmt form:\n${fmt.stdout}${fmt.stderr}`);
  // The same check catches a file that is not: misaligned `=`.
  writeFileSync(join(dir, 'planted.tf'), 'import {\n  to = aws_iam_role.r\n  id    = "r"\n}\n');
  assert.is.not(run('terraform', ['fmt', '-check', dir], { env }).code, 0, 'terraform fmt -check catches a planted misalignment');
});

test(`terraform validate: AWS modules with the adoption file copied in, a planted second import of one address caught${validateSkip ? ` (skipped: ${validateSkip})` : ''}`, () => {
  if (validateSkip) {
    console.log(`skip: terraform validate of adopted AWS modules: ${validateSkip}`);
    return;
  }
  // Import blocks are allowed only in a root module, so each tree is its own root: one init and validate each.
  const roots = ['eks-pod-identity', 'eks-irsa-cert-manager'];
  const base = tmpDir('wi-gen-adopt-tf-');
  for (const [n, example] of roots.entries()) {
    const dir = join(base, example);
    adoptedModule(example, dir);
    const planted = n === 0;
    const started = Date.now();
    const init = run('terraform', ['init', '-backend=false', `-plugin-dir=${mirror}`, '-input=false', '-no-color'], { cwd: dir, env });
    assert.is(init.code, 0, `${example}: terraform init (offline): ${init.stdout}${init.stderr}`);
    // What a create: false role copied in twice would be: validate rejects it (an undeclared target only fails at
    // plan). Written after init, which refuses an invalid configuration.
    if (planted) writeFileSync(join(dir, 'planted.tf'), 'import {\n  to = aws_iam_role.dns01-solver\n  id = "x"\n}\n');
    const validate = run('terraform', ['validate', '-json', '-no-color'], { cwd: dir, env });
    console.log(`${example}: terraform init + validate ${Date.now() - started} ms`);
    const result = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: { severity: string; summary: string; detail: string; range?: { filename: string } }[] };
    const where = (d: (typeof result.diagnostics)[number]) => `${d.range?.filename ?? '?'}: ${d.severity}: ${d.summary}: ${d.detail}`;
    const others = result.diagnostics.filter((d) => d.range?.filename !== 'planted.tf');
    assert.equal(others.map(where), [], `${example}: the module and its imports have no errors and no warnings`);
    if (planted) {
      assert.is(result.valid, false);
      const caught = result.diagnostics.filter((d) => d.range?.filename === 'planted.tf');
      assert.equal(caught.map((d) => [d.severity, d.summary]), [['error', 'Duplicate import configuration for "aws_iam_role.dns01-solver"']], caught.map(where).join('\n'));
    } else assert.is(result.valid, true);
  }
});

test.run();
