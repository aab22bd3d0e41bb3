// Every vault command of every generated vault script (examples, templates, and variants that turn
// on each option) against the table of Vault API paths and parameters in test/support/vault-api.ts.
// No vault CLI exists here; the planted commands show the check catches a bad path, parameter,
// field, flag and policy capability.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { examplesDir, exampleNames, renderFile, renderText, repoRoot } from './support/wi-gen.js';
import { checkVaultScript, vaultCommands } from './support/vault-api.js';
import { PLACEHOLDER } from '../src/spec/placeholders.js';

const CLIENT_ID = '6e8b2a1c-3d4f-4a5b-8c9d-0e1f2a3b4c5d';
const OBJECT_ID = '9a7c5e3b-1d2f-4e6a-8b0c-2d4e6f8a0b1c';
const VAULT_CLIENT_ID = '1c3e5a7b-9d2f-4b6a-8c0e-2f4a6b8c0d1e';

/** Every option of the method that changes vault.sh: mounts, role names, explicit max TTL, rotate-root, a sovereign cloud. */
const VARIANT = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: lab
identities:
  - name: azuredns
    azureServicePrincipalVault:
      clientID: ${CLIENT_ID}
      applicationObjectID: ${OBJECT_ID}
      tenantID: 72f988bf-86f1-41af-91ab-2d7cd011db47
      vault:
        address: https://vault.lab.example:8200
        kubernetesAuth: {mount: clusters/lab/kubernetes, role: cert-manager-azuredns, audience: https://vault.lab.example}
        azure:
          mount: clouds/azure-cn
          role: cert-manager.dns
          ttl: 2h
          maxTTL: 48h
          explicitMaxTTL: 3d
          config: {clientID: ${VAULT_CLIENT_ID}, subscriptionID: 3f2504e0-4f89-41d3-9a0c-0305e82c3301, rotateRoot: true}
certManager:
  identity: azuredns
  issuers:
    - name: letsencrypt
      acme: {server: letsencrypt}
      dns01:
        azureDNS: {subscriptionID: 3f2504e0-4f89-41d3-9a0c-0305e82c3301, resourceGroupName: dns, hostedZoneName: lab.example, environment: AzureChinaCloud}
`;

function vaultScripts(): Map<string, string> {
  const scripts = new Map<string, string>();
  const collect = (source: string, files: readonly { path: string; content: string }[]) => {
    for (const f of files) if (f.path === 'cloud/vault.sh') scripts.set(source, f.content);
  };
  for (const name of exampleNames()) collect(`examples/${name}`, renderFile(join(examplesDir, name, 'spec.yaml')).files);
  const values = parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'template-values.yaml'), 'utf8')) as Record<string, unknown>;
  const dir = join(repoRoot, 'templates');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const filled = readFileSync(join(dir, file), 'utf8').replace(PLACEHOLDER, (t) => String(values[t.slice(1, -1)]));
    collect(`templates/${file}`, renderText(filled, file).files);
  }
  collect('variant: every option', renderText(VARIANT).files);
  return scripts;
}

const scripts = vaultScripts();

test('the parser finds every vault command, in branches, pipes and command substitutions', () => {
  const variant = scripts.get('variant: every option') as string;
  const commands = vaultCommands(variant).map((c) => c.slice(0, 2).join(' '));
  assert.equal(commands, [
    'secrets list',
    'secrets enable',
    'read -field=client_id',
    'write clouds/azure-cn/config',
    'write -f',
    'write clouds/azure-cn/roles/cert-manager.dns',
    'policy write',
    'write auth/clusters/lab/kubernetes/role/cert-manager-azuredns',
  ]);
  const config = vaultCommands(variant).find((c) => c[1] === 'clouds/azure-cn/config') as string[];
  assert.ok(config.includes('environment=AzureChinaCloud'), config.join(' '));
  assert.ok(config.includes('client_secret=-'));
});

test('every vault command of every generated vault script matches the Vault API table', () => {
  assert.ok(scripts.size >= 3, `only ${scripts.size} vault scripts: ${[...scripts.keys()].join(', ')}`);
  let count = 0;
  const problems: string[] = [];
  for (const [source, text] of scripts) {
    count += vaultCommands(text).length;
    for (const f of checkVaultScript(text)) problems.push(`${source}: ${f.command}: ${f.problem}`);
  }
  assert.equal(problems, [], problems.join('\n'));
  assert.ok(count >= 24, `${count} commands checked`);
});

test('planted bad commands are caught (control)', () => {
  const good = scripts.get('examples/aks-vault-service-principal') as string;
  assert.equal(checkVaultScript(good), []);
  const planted: [string, string, RegExp][] = [
    ['bad role parameter', good.replace('application_object_id=', 'application_objectid='), /unknown parameter application_objectid/],
    ['bad config parameter', good.replace(/\bclient_id=(?=[0-9a-f]{8}-)/, 'clientid='), /Azure: configure access: unknown parameter clientid/],
    ['bad auth role parameter', good.replace('token_period=', 'period='), /Kubernetes auth: create\/update role: unknown parameter period/],
    ['bad -field', good.replace('-field=client_id', '-field=client_secret'), /a read returns no field client_secret/],
    ['singular role path', good.replace(/(vault write '?azure)\/roles\//, '$1/role/'), /no API path matches azure\/role\//],
    ['write to the read-only creds path', `${good}\nvault write azure/creds/azuredns ttl=1h\n`, /cannot be written/],
    ['unmounted engine', `${good}\nvault write azure-other/config tenant_id=x\n`, /below no secrets engine this script enables/],
    ['unknown enable flag', good.replace('-path=azure azure', '-path=azure -mount=x azure'), /unknown flag of vault secrets enable: mount/],
    ['write without parameters or -f', good.replace("write -f 'azure/rotate-root'", "write 'azure/rotate-root'").replace('write -f azure/rotate-root', 'write azure/rotate-root'), /needs -f/],
    ['policy capability on a path without that operation', good.replace('capabilities = ["read"]', 'capabilities = ["update"]'), /capability update grants nothing there/],
  ];
  for (const [name, text, expected] of planted) {
    assert.is.not(text, good, `${name}: the plant did not change the script`);
    const findings = checkVaultScript(text).map((f) => `${f.command}: ${f.problem}`);
    assert.ok(findings.some((f) => expected.test(f)), `${name}: not caught; findings: ${findings.join(' | ') || 'none'}`);
  }
});

test.run();
