// Parity of the cloud half: for every spec of the matrix, the script, the Terraform and (where
// every identity emits them) the Config Connector / ASO objects make the same grants (principal,
// role, scope) and the same identities, so the README's "run the script *or* apply Terraform" holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderedMatrix, type RenderedSpec } from './support/spec-matrix.js';
import { recordTree, type RecordedCommand } from './support/cloud-cli.js';
import { factDiff, objectFacts, paritySides, principalAliases, scriptFacts, terraformFacts } from './support/parity.js';

// uvu imports every test file before running any: the clock starts with this file's first test.
let started = Date.now();
const commandsOf = (spec: RenderedSpec): RecordedCommand[] => recordTree(spec.name, spec.files).commands;
const suspicious = (facts: ReadonlySet<string>) => [...facts].filter((f) => /^(unrecognised|unresolved)|unresolved|unknown-lookup|missing-/.test(f));

const compared = new Map<string, { specs: number; objects: number }>();

for (const spec of renderedMatrix()) {
  const controllers = [...spec.files.keys()].some((p) => /^cloud\/(config-connector|azure-service-operator)\//.test(p));
  test(`${spec.methods.join('+')}: ${spec.name}: script${controllers ? ', Terraform and controller objects' : ' and Terraform'} grant the same`, () => {
    const sides = paritySides(spec.text, spec.files, commandsOf(spec));
    assert.ok(sides.script.size > 0, 'no fact read from the scripts');
    assert.ok(sides.terraform.size > 0, 'no fact read from the Terraform');
    for (const [name, facts] of [['script', sides.script], ['Terraform', sides.terraform], ['objects', sides.objects ?? new Set<string>()]] as const) {
      assert.equal(suspicious(facts), [], `${name}: facts the parity reader does not understand`);
    }
    for (const m of spec.methods) {
      const c = compared.get(m) ?? { specs: 0, objects: 0 };
      compared.set(m, { specs: c.specs + 1, objects: c.objects + (sides.objects ? 1 : 0) });
    }
    if (sides.objectsNote) console.log(`  ${spec.name}: ${sides.objectsNote}`);
    const tf = factDiff(sides.script, sides.terraform);
    const objects = sides.objects ? factDiff(sides.script, sides.objects) : [];
    assert.ok(
      tf.length === 0 && objects.length === 0,
      [
        ...(tf.length ? [`script (-) vs Terraform (+):`, ...tf.map((l) => `  ${l}`)] : []),
        ...(objects.length ? [`script (-) vs controller objects (+):`, ...objects.map((l) => `  ${l}`)] : []),
      ].join('\n'),
    );
  });
}

test('every method is compared, and Config Connector and ASO objects are compared where emitted', () => {
  const methods = ['gke', 'azureWorkloadIdentity', 'azureKubeletIdentity', 'aadPodIdentity', 'azureServicePrincipalVault', 'awsIrsa', 'awsPodIdentity', 'awsServiceAccountRef'];
  for (const m of methods) assert.ok((compared.get(m)?.specs ?? 0) > 0, `method ${m} never compared`);
  assert.ok((compared.get('gke')?.objects ?? 0) >= 2, 'Config Connector objects compared');
  assert.ok((compared.get('azureWorkloadIdentity')?.objects ?? 0) >= 2, 'ASO objects compared');
  console.log(`  parity: ${[...compared].map(([m, c]) => `${m} ${c.specs} specs (${c.objects} with objects)`).join(', ')}; ${Date.now() - started} ms`);
});

// --------------------------------------------------------------------------- the check can fail

const byName = (name: string) => renderedMatrix().find((s) => s.name === name) as RenderedSpec;

test('planted: a role assignment missing from the Terraform is reported', () => {
  const spec = byName('example/aks-workload-identity');
  const files = new Map(spec.files);
  const path = 'cloud/terraform/azure-invoice-reader.tf';
  const text = files.get(path) as string;
  const cut = text.replace(/\nresource "azurerm_role_assignment"[^]*?\n}\n/, '\n');
  assert.ok(cut !== text, 'the planted change applies');
  files.set(path, cut);
  const diff = factDiff(scriptFacts(commandsOf(spec)), terraformFacts(files));
  assert.equal(diff.length, 1, diff.join('\n'));
  assert.match(diff[0] as string, /^- grant mi:.*id-invoice-reader 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1 .*stinvoicesprod$/);
});

test('planted: a grant on another scope in the script, and another member in Config Connector, are reported', () => {
  const spec = byName('generated/gke-impersonation-existing-admin');
  const commands = commandsOf(spec).map((c) =>
    c.argv.join(' ').startsWith('gcloud projects add-iam-policy-binding') ? { ...c, argv: c.argv.map((a) => (a === 'matrix-prod' ? 'matrix-other' : a)) } : c,
  );
  const script = scriptFacts(commands);
  const diff = factDiff(script, terraformFacts(spec.files));
  assert.ok(diff.some((l) => l.startsWith('- grant') && l.endsWith('projects/matrix-other')), diff.join('\n'));
  assert.ok(diff.some((l) => l.startsWith('+ grant') && l.endsWith('projects/matrix-prod')), diff.join('\n'));

  const files = new Map(spec.files);
  const kcc = 'cloud/config-connector/dns.yaml';
  files.set(kcc, (files.get(kcc) as string).replace(/member: serviceAccount:dns-admin@/, 'member: serviceAccount:someone-else@'));
  const objects = factDiff(scriptFacts(commandsOf(spec)), objectFacts(files));
  assert.ok(objects.some((l) => l.startsWith('+ grant serviceAccount:someone-else@')), objects.join('\n'));
});

test('planted: a trust policy that differs between script and Terraform is reported', () => {
  const spec = byName('example/eks-irsa-cert-manager');
  const files = new Map(spec.files);
  const [path, text] = [...files].find(([p, t]) => p.startsWith('cloud/terraform/aws-') && t.includes('assume_role_policy')) as [string, string];
  files.set(path, text.replace(':sub" = "system:serviceaccount:', ':sub" = "system:serviceaccount:x'));
  const diff = factDiff(scriptFacts(commandsOf(spec)), terraformFacts(files));
  assert.ok(diff.some((l) => l.startsWith('+ trust aws') && l.includes('system:serviceaccount:x')), diff.join('\n'));
});

test('planted: an ASO RoleAssignment for an existing identity resolves through the spec principalID, and a wrong one is reported', () => {
  const spec = byName('example/aks-workload-identity');
  const aliases = principalAliases(spec.text);
  assert.is(aliases.size, 1);
  const files = new Map(spec.files);
  const aso = 'cloud/azure-service-operator/invoice-reader.yaml';
  files.set(aso, (files.get(aso) as string).replace(/principalId: [0-9a-f-]+/, 'principalId: 00000000-1111-4222-8333-444444444444'));
  const diff = factDiff(scriptFacts(commandsOf(spec)), objectFacts(files, aliases));
  assert.ok(diff.some((l) => l.startsWith('+ grant object:00000000-1111-4222-8333-444444444444')), diff.join('\n'));
});

test.before(() => {
  started = Date.now();
});

test.after(() => console.log(`  cloud-parity.test.ts: ${((Date.now() - started) / 1000).toFixed(1)} s`));

test.run();
