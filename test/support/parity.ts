// What each path of the cloud half would create, as comparable facts: the script (from the argv
// the shims recorded), the Terraform (read back from the .tf files) and, where emitted, the
// Config Connector or Azure Service Operator objects. The README offers "script *or* Terraform";
// that is only true when all paths give the same facts.
//
// A fact is one line, e.g.
//   grant serviceAccount:dns@p.iam.gserviceaccount.com roles/dns.admin projects/p
//   grant mi:/subscriptions/…/userassignedidentities/id-dns befefa01-… /subscriptions/…/dnszones/example.com
//   federated mi:… name=… issuer=… subject=… audience=…
//   role aws my-role path=/ trust={…}
// Principals are normalised to one spelling per kind: `serviceAccount:EMAIL`, `principal://…`,
// `mi:RESOURCE-ID` (lowercase), `kubelet:CLUSTER`, `app:CLIENT-ID`, `object:GUID`, `role:NAME`.
import { parse } from 'yaml';
import { BUILT_IN_ROLES } from '../../src/methods/names/azure.js';
import { durationSeconds } from '../../src/methods/names/vault.js';
import { isCall, isRef, terraformBlocksOf, type HclRead, type ReadBlock } from './hcl-read.js';
import { standInGuid, type Argv, type RecordedCommand } from './cloud-cli.js';
import { yamlDocs } from './wi-gen.js';

export interface ParitySides {
  readonly script: Set<string>;
  readonly terraform: Set<string>;
  /** Config Connector / ASO facts, when every identity of the spec emits such objects. */
  readonly objects?: Set<string>;
  readonly objectsNote?: string;
}

const lower = (s: string) => s.toLowerCase();
const miId = (sub: string, rg: string, name: string) => lower(`mi:/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`);
const gsaEmail = (accountId: string, project: string) => `${accountId}@${project}.iam.gserviceaccount.com`;

/** JSON with sorted keys and one-element arrays as their element (IAM reads `"a"` and `["a"]` alike). */
function canonical(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length === 1 ? norm(v[0]) : v.map(norm);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(norm(value));
}

/** `--flag value` of an argv. */
function flag(argv: Argv, name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** `k=v` arguments of a vault command. */
function kv(argv: Argv): Record<string, string> {
  return Object.fromEntries(argv.filter((a) => /^[a-z_]+=/.test(a)).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
}

function policyFacts(role: string, policyName: string, document: unknown): string[] {
  const statements = (document as { Statement: Record<string, unknown>[] }).Statement;
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]) as string[];
  return statements.flatMap((st) =>
    list(st['Action']).flatMap((action) =>
      list(st['Resource']).map((resource) => `grant role:${role} ${st['Effect']} ${action} ${resource} policy=${policyName} condition=${canonical(st['Condition'] ?? null)}`),
    ),
  );
}

function vaultRoleFact(mount: string, role: string, app: string, ttl: string | number, maxTtl: string | number, explicit?: string | number): string {
  const sec = (v: string | number | undefined) => (v === undefined ? '-' : /^[0-9]+$/.test(String(v)) ? Number(v) : durationSeconds(String(v)));
  return `vaultRole ${mount}/roles/${role} application_object_id=${app} ttl=${sec(ttl)} max_ttl=${sec(maxTtl)} explicit_max_ttl=${sec(explicit)}`;
}

// ------------------------------------------------------------------------------------ scripts

/** Facts from the recorded argv of the cloud/*.sh scripts of one spec (both shim modes). */
export function scriptFacts(commands: readonly RecordedCommand[]): Set<string> {
  const facts = new Set<string>();
  // The create scripts only: prune.sh and teardown.sh remove what these make (test/lifecycle.test.ts).
  const scriptCommands = commands.filter((c) => /cloud\/[^/]+\.sh/.test(c.source) && !/cloud\/(prune|teardown)\.sh/.test(c.source));
  // Every lookup whose answer a later command may use, by the stand-in the shim gave.
  const looked = new Map<string, Argv>();
  for (const c of scriptCommands) looked.set(standInGuid(c.argv.slice(1)), c.argv);
  const azPrincipal = (id: string): string => {
    const lookup = looked.get(id);
    if (!lookup) return `object:${lower(id)}`;
    const query = flag(lookup, '--query');
    if (lookup[1] === 'identity' && query === 'principalId') {
      const ids = flag(lookup, '--ids');
      return ids ? lower(`mi:${ids}`) : miId(flag(lookup, '--subscription') ?? '', flag(lookup, '--resource-group') ?? '', flag(lookup, '--name') ?? '');
    }
    if (lookup[1] === 'aks' && query === 'identityProfile.kubeletidentity.objectId') return `kubelet:${flag(lookup, '--name')}`;
    return `unknown-lookup:${lookup.join(' ')}`;
  };
  scriptCommands.forEach(({ argv }, index) => {
    const words = argv.filter((a) => !a.startsWith('-'));
    const cmd = argv.slice(0, 4).join(' ');
    if (argv[0] === 'gcloud') {
      if (cmd === 'gcloud iam service-accounts create') facts.add(`serviceAccount ${gsaEmail(argv[4] as string, flag(argv, '--project') as string)}`);
      else if (cmd === 'gcloud iam roles create') {
        facts.add(`customRole projects/${flag(argv, '--project')}/roles/${argv[4]} ${(flag(argv, '--permissions') ?? '').split(',').sort().join(',')}`);
      } else if (cmd === 'gcloud iam service-accounts add-iam-policy-binding') {
        facts.add(`grant ${flag(argv, '--member')} ${flag(argv, '--role')} projects/${flag(argv, '--project')}/serviceAccounts/${argv[4]}`);
      } else if (argv.slice(0, 3).join(' ') === 'gcloud projects add-iam-policy-binding') {
        facts.add(`grant ${flag(argv, '--member')} ${flag(argv, '--role')} projects/${argv[3]}`);
      } else if (cmd === 'gcloud dns managed-zones add-iam-policy-binding') {
        facts.add(`grant ${flag(argv, '--member')} ${flag(argv, '--role')} projects/${flag(argv, '--project')}/managedZones/${argv[4]}`);
      } else if (cmd === 'gcloud dns managed-zones set-iam-policy') {
        // The whole policy, read from the file the shim kept: every binding in it is granted.
        const file = scriptCommands[index + 1]?.argv;
        if (file?.[0] !== '@file') facts.add(`unresolved policy file of ${argv.join(' ')}`);
        else {
          const policy = JSON.parse(file[2] as string) as { bindings?: { role: string; members: string[] }[] };
          for (const b of policy.bindings ?? []) for (const m of b.members) facts.add(`grant ${m} ${b.role} projects/${flag(argv, '--project')}/managedZones/${argv[4]}`);
        }
      } else if (cmd === 'gcloud iam roles update' || cmd === 'gcloud iam roles undelete') {
        // Converges the custom role its create made: the same fact.
        if (cmd === 'gcloud iam roles update') facts.add(`customRole projects/${flag(argv, '--project')}/roles/${argv[4]} ${(flag(argv, '--permissions') ?? '').split(',').sort().join(',')}`);
      } else if (/(create|add|set|update|delete|remove)/.test(words.slice(1, 4).join(' '))) {
        facts.add(`unrecognised-change ${argv.join(' ')}`);
      }
    } else if (argv[0] === 'az') {
      if (cmd === 'az role assignment create') {
        const objectId = flag(argv, '--assignee-object-id');
        // Empty in the run where lookups fail: the run where they succeed records the principal.
        if (objectId === '') return;
        const principal = objectId ? azPrincipal(objectId) : `app:${lower(flag(argv, '--assignee') ?? '')}`;
        // A built-in role name, a role GUID, or a role definition ID ending in the GUID.
        const role = flag(argv, '--role') as string;
        const guid = BUILT_IN_ROLES[role] ?? role.slice(role.lastIndexOf('/') + 1);
        facts.add(`grant ${principal} ${lower(guid)} ${lower(flag(argv, '--scope') ?? '')}`);
      } else if (argv.slice(0, 3).join(' ') === 'az identity create') {
        facts.add(`identity ${miId(flag(argv, '--subscription') ?? '', flag(argv, '--resource-group') ?? '', flag(argv, '--name') ?? '')}`);
      } else if (cmd === 'az identity federated-credential create') {
        const mi = miId(flag(argv, '--subscription') ?? '', flag(argv, '--resource-group') ?? '', flag(argv, '--identity-name') ?? '');
        facts.add(`federated ${mi} name=${flag(argv, '--name')} issuer=${flag(argv, '--issuer')} subject=${flag(argv, '--subject')} audience=${flag(argv, '--audiences')}`);
      } else if (/ (create|update|delete|set|add)( |$)/.test(` ${words.slice(1).join(' ')}`) && !/ (show|list) /.test(` ${words.join(' ')} `)) {
        facts.add(`unrecognised-change ${argv.join(' ')}`);
      }
    } else if (argv[0] === 'aws') {
      const op = `${argv[1]} ${argv[2]}`;
      const role = flag(argv, '--role-name');
      if (op === 'iam create-role') {
        facts.add(`role aws ${role} path=${flag(argv, '--path') ?? '/'}`);
        facts.add(`trust aws ${role} ${canonical(JSON.parse(flag(argv, '--assume-role-policy-document') as string))}`);
      } else if (op === 'iam update-assume-role-policy') facts.add(`trust aws ${role} ${canonical(JSON.parse(flag(argv, '--policy-document') as string))}`);
      else if (op === 'iam put-role-policy') {
        for (const f of policyFacts(role as string, flag(argv, '--policy-name') as string, JSON.parse(flag(argv, '--policy-document') as string))) facts.add(f);
      } else if (op === 'iam attach-role-policy') facts.add(`grant role:${role} managed ${flag(argv, '--policy-arn')}`);
      else if (op === 'eks create-pod-identity-association') {
        const arn = flag(argv, '--role-arn') as string;
        facts.add(`podIdentity ${flag(argv, '--cluster-name')} ${flag(argv, '--namespace')}/${flag(argv, '--service-account')} role:${arn.slice(arn.lastIndexOf('/') + 1)}`);
      } else if (op === 'eks update-pod-identity-association') {
        // Points an existing association (found by namespace and KSA) at the role: same fact as create.
      } else if (!/^(get|list|describe)/.test(argv[2] ?? '')) facts.add(`unrecognised-change ${argv.join(' ')}`);
    } else if (argv[0] === 'vault') {
      const path = words[2] ?? '';
      if (argv[1] === 'write') {
        const args = kv(argv);
        let m: RegExpExecArray | null;
        if ((m = /^(.+)\/roles\/([^/]+)$/.exec(path)) && !path.startsWith('auth/')) {
          facts.add(vaultRoleFact(m[1] as string, m[2] as string, args['application_object_id'] ?? '', args['ttl'] ?? '-', args['max_ttl'] ?? '-', args['explicit_max_ttl']));
        } else if ((m = /^auth\/(.+)\/role\/([^/]+)$/.exec(path))) {
          facts.add(
            `vaultAuthRole ${m[1]}/${m[2]} sa=${args['bound_service_account_names']} ns=${args['bound_service_account_namespaces']} policies=${args['token_policies']} audience=${args['audience']} period=${args['token_period']}`,
          );
        } else if ((m = /^(.+)\/config$/.exec(path))) {
          facts.add(`vaultConfig ${m[1]} subscription=${args['subscription_id']} tenant=${args['tenant_id']} client=${args['client_id']} environment=${args['environment'] ?? 'AzurePublicCloud'}`);
        }
      } else if (argv[1] === 'policy' && argv[2] === 'write') facts.add(`vaultPolicy ${argv[3]}`);
    }
  });
  return facts;
}

// ------------------------------------------------------------------------------------ Terraform

/** Facts from the .tf files of one rendered tree. */
export function terraformFacts(files: ReadonlyMap<string, string>): Set<string> {
  const blocks = terraformBlocksOf(files);
  const facts = new Set<string>();
  const find = (ref: string): ReadBlock => {
    const parts = ref.split('.');
    const [kind, type, name] = parts[0] === 'data' ? ['data', parts[1], parts[2]] : ['resource', parts[0], parts[1]];
    const b = blocks.find((x) => x.type === kind && x.labels[0] === type && x.labels[1] === name);
    if (!b) throw new Error(`Terraform reference ${ref} names no block`);
    return b;
  };
  const str = (v: HclRead | undefined): string => (typeof v === 'string' ? v : isRef(v) ? `\${${v.ref}}` : JSON.stringify(v));
  const azurerm = blocks.find((b) => b.type === 'provider' && b.labels[0] === 'azurerm');
  const subscription = str(azurerm?.attrs['subscription_id'] ?? 'ARM_SUBSCRIPTION_ID');
  const gsaOf = (b: ReadBlock) => gsaEmail(str(b.attrs['account_id']), str(b.attrs['project']));

  /** JSON value of an HCL value, with references resolved where the parity needs them. */
  const json = (v: HclRead): unknown => {
    if (isRef(v)) {
      const m = /^(data\.aws_iam_openid_connect_provider\.[^.]+)\.arn$/.exec(v.ref);
      if (m) return str(find(m[1] as string).attrs['arn']);
      return `\${${v.ref}}`;
    }
    if (isCall(v)) return `\${${v.call}(…)}`;
    if (Array.isArray(v)) return v.map(json);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, json(x as HclRead)]));
    return v;
  };
  const jsonencoded = (v: HclRead | undefined): unknown => {
    if (!isCall(v) || v.call !== 'jsonencode') throw new Error(`expected jsonencode(…), found ${JSON.stringify(v)}`);
    return json(v.args[0] as HclRead);
  };
  const member = (v: HclRead | undefined): string => {
    if (isRef(v)) {
      const m = /^(google_service_account\.[^.]+)\.member$/.exec(v.ref);
      if (m) return `serviceAccount:${gsaOf(find(m[1] as string))}`;
    }
    return str(v);
  };
  const gcpRole = (v: HclRead | undefined): string => {
    if (isRef(v)) {
      const m = /^(google_project_iam_custom_role\.[^.]+)\.name$/.exec(v.ref);
      if (m) {
        const b = find(m[1] as string);
        return `projects/${str(b.attrs['project'])}/roles/${str(b.attrs['role_id'])}`;
      }
    }
    return str(v);
  };
  const azPrincipal = (v: HclRead | undefined): string => {
    if (isRef(v)) {
      let m = /^((?:data\.)?azurerm_user_assigned_identity\.[^.]+)\.principal_id$/.exec(v.ref);
      if (m) {
        const b = find(m[1] as string);
        return miId(subscription, str(b.attrs['resource_group_name']), str(b.attrs['name']));
      }
      m = /^(data\.azurerm_kubernetes_cluster\.[^.]+)\.kubelet_identity\[0\]\.object_id$/.exec(v.ref);
      if (m) return `kubelet:${str(find(m[1] as string).attrs['name'])}`;
      // An application's service principal, looked up by client ID.
      m = /^(data\.azuread_service_principal\.[^.]+)\.(object_id|id)$/.exec(v.ref);
      if (m) return `app:${lower(str(find(m[1] as string).attrs['client_id']))}`;
      return `unresolved:${v.ref}`;
    }
    return `object:${lower(str(v))}`;
  };
  const awsRoleName = (v: HclRead | undefined): string => {
    if (isRef(v)) {
      const m = /^((?:data\.)?aws_iam_role\.[^.]+)\.(id|name|arn)$/.exec(v.ref);
      if (m) return str(find(m[1] as string).attrs['name']);
    }
    const s = str(v);
    return s.slice(s.lastIndexOf('/') + 1);
  };

  for (const b of blocks) {
    if (b.type !== 'resource') continue;
    const a = b.attrs;
    switch (b.labels[0]) {
      case 'google_service_account':
        facts.add(`serviceAccount ${gsaOf(b)}`);
        break;
      case 'google_project_iam_custom_role':
        facts.add(`customRole projects/${str(a['project'])}/roles/${str(a['role_id'])} ${(a['permissions'] as string[]).slice().sort().join(',')}`);
        break;
      case 'google_service_account_iam_member': {
        const sa = a['service_account_id'];
        const scope = isRef(sa) && /^google_service_account\.[^.]+\.name$/.test(sa.ref)
          ? (() => {
              const g = find(sa.ref.replace(/\.name$/, ''));
              return `projects/${str(g.attrs['project'])}/serviceAccounts/${gsaOf(g)}`;
            })()
          : str(sa);
        facts.add(`grant ${member(a['member'])} ${gcpRole(a['role'])} ${scope}`);
        break;
      }
      case 'google_project_iam_member':
        facts.add(`grant ${member(a['member'])} ${gcpRole(a['role'])} projects/${str(a['project'])}`);
        break;
      case 'google_dns_managed_zone_iam_member':
        facts.add(`grant ${member(a['member'])} ${gcpRole(a['role'])} projects/${str(a['project'])}/managedZones/${str(a['managed_zone'])}`);
        break;
      case 'azurerm_user_assigned_identity':
        facts.add(`identity ${miId(subscription, str(a['resource_group_name']), str(a['name']))}`);
        break;
      case 'azurerm_federated_identity_credential': {
        const id = a['user_assigned_identity_id'];
        const mi = isRef(id) ? (() => {
          const target = find(id.ref.replace(/\.id$/, ''));
          return miId(subscription, str(target.attrs['resource_group_name']), str(target.attrs['name']));
        })() : lower(`mi:${str(id)}`);
        facts.add(`federated ${mi} name=${str(a['name'])} issuer=${str(a['issuer'])} subject=${str(a['subject'])} audience=${(a['audience'] as string[]).join(',')}`);
        break;
      }
      case 'azurerm_role_assignment': {
        const roleId = str(a['role_definition_id']);
        facts.add(`grant ${azPrincipal(a['principal_id'])} ${lower(roleId.slice(roleId.lastIndexOf('/') + 1))} ${lower(str(a['scope']))}`);
        break;
      }
      case 'aws_iam_role':
        // A role adopted through an import block exists already: only a created role is a fact
        // (the script of such a spec checks for the role instead of creating it).
        if (!blocks.some((i) => i.type === 'import' && isRef(i.attrs['to']) && i.attrs['to'].ref === `aws_iam_role.${b.labels[1]}`)) {
          facts.add(`role aws ${str(a['name'])} path=${a['path'] === undefined ? '/' : str(a['path'])}`);
        }
        facts.add(`trust aws ${str(a['name'])} ${canonical(jsonencoded(a['assume_role_policy']))}`);
        break;
      case 'aws_iam_role_policy':
        for (const f of policyFacts(awsRoleName(a['role']), str(a['name']), jsonencoded(a['policy']))) facts.add(f);
        break;
      case 'aws_iam_role_policy_attachment':
        facts.add(`grant role:${awsRoleName(a['role'])} managed ${str(a['policy_arn'])}`);
        break;
      case 'aws_eks_pod_identity_association':
        facts.add(`podIdentity ${str(a['cluster_name'])} ${str(a['namespace'])}/${str(a['service_account'])} role:${awsRoleName(a['role_arn'])}`);
        break;
      case 'vault_azure_secret_backend':
        facts.add(`vaultConfig ${str(a['path'])} subscription=${str(a['subscription_id'])} tenant=${str(a['tenant_id'])} client=${str(a['client_id'])} environment=${a['environment'] === undefined ? 'AzurePublicCloud' : str(a['environment'])}`);
        break;
      case 'vault_azure_secret_backend_role': {
        const backend = a['backend'];
        const mount = isRef(backend) ? str(find(backend.ref.replace(/\.path$/, '')).attrs['path']) : str(backend);
        facts.add(vaultRoleFact(mount, str(a['role']), str(a['application_object_id']), str(a['ttl'] ?? '-'), str(a['max_ttl'] ?? '-'), a['explicit_max_ttl'] === undefined ? undefined : str(a['explicit_max_ttl'])));
        break;
      }
      case 'vault_policy':
        facts.add(`vaultPolicy ${str(a['name'])}`);
        break;
      case 'vault_kubernetes_auth_backend_role': {
        const policies = (a['token_policies'] as HclRead[]).map((p) => (isRef(p) ? str(find(p.ref.replace(/\.name$/, '')).attrs['name']) : str(p)));
        facts.add(
          `vaultAuthRole ${str(a['backend'])}/${str(a['role_name'])} sa=${(a['bound_service_account_names'] as string[]).join(',')} ns=${(a['bound_service_account_namespaces'] as string[]).join(',')} policies=${policies.join(',')} audience=${str(a['audience'])} period=${str(a['token_period'])}`,
        );
        break;
      }
      default:
        facts.add(`unrecognised-resource ${b.labels.join('.')}`);
    }
  }
  return facts;
}

// ------------------------------------------------------------------------------------ KCC / ASO

type Obj = Record<string, any>;

/** Facts from the Config Connector and ASO objects under cloud/. */
export function objectFacts(files: ReadonlyMap<string, string>, aliases: ReadonlyMap<string, string> = new Map()): Set<string> {
  const objects: Obj[] = [...files].filter(([p]) => /^cloud\/(config-connector|azure-service-operator)\/.+\.yaml$/.test(p)).flatMap(([, t]) => yamlDocs(t) as Obj[]);
  const facts = new Set<string>();
  const byKind = (kind: string, name: string) => objects.find((o) => o['kind'] === kind && o['metadata']?.['name'] === name);
  const gsaOfKcc = (name: string): string => {
    const sa = byKind('IAMServiceAccount', name);
    if (!sa) return `missing-IAMServiceAccount:${name}`;
    return gsaEmail(sa['spec']?.['resourceID'] ?? name, sa['metadata']['annotations']?.['cnrm.cloud.google.com/project-id']);
  };
  const uaiMi = (o: Obj) => lower(`mi:${o['spec']['owner']['armId']}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${o['spec']['azureName'] ?? o['metadata']['name']}`);
  for (const o of objects) {
    const spec = o['spec'] ?? {};
    switch (o['kind']) {
      case 'IAMServiceAccount':
        facts.add(`serviceAccount ${gsaOfKcc(o['metadata']['name'])}`);
        break;
      case 'IAMCustomRole':
        facts.add(`customRole projects/${o['metadata']['annotations']?.['cnrm.cloud.google.com/project-id']}/roles/${spec['resourceID'] ?? o['metadata']['name']} ${[...spec['permissions']].sort().join(',')}`);
        break;
      case 'IAMPolicyMember': {
        const ref = spec['resourceRef'];
        const scope = ref['external']
          ? String(ref['external'])
          : ref['kind'] === 'IAMServiceAccount'
            ? (() => {
                const email = gsaOfKcc(ref['name']);
                return `projects/${email.split('@')[1]?.split('.')[0]}/serviceAccounts/${email}`;
              })()
            : `unresolved:${ref['kind']}/${ref['name']}`;
        const member = spec['member'] ?? (spec['memberFrom']?.['serviceAccountRef'] ? `serviceAccount:${gsaOfKcc(spec['memberFrom']['serviceAccountRef']['name'])}` : 'unresolved-member');
        facts.add(`grant ${member} ${spec['role']} ${scope}`);
        break;
      }
      case 'UserAssignedIdentity':
        facts.add(`identity ${uaiMi(o)}`);
        break;
      case 'FederatedIdentityCredential': {
        const owner = spec['owner'];
        const uai = owner['name'] ? byKind('UserAssignedIdentity', owner['name']) : undefined;
        const mi = owner['armId'] ? lower(`mi:${owner['armId']}`) : uai ? uaiMi(uai) : `unresolved:${owner['name']}`;
        facts.add(`federated ${mi} name=${spec['azureName']} issuer=${spec['issuer']} subject=${spec['subject']} audience=${(spec['audiences'] as string[]).join(',')}`);
        break;
      }
      case 'RoleAssignment': {
        let principal: string;
        if (spec['principalIdFromConfig']) {
          const cm = spec['principalIdFromConfig']['name'];
          const uai = objects.find((x) => x['kind'] === 'UserAssignedIdentity' && x['spec']?.['operatorSpec']?.['configMaps']?.['principalId']?.['name'] === cm);
          principal = uai ? uaiMi(uai) : `unresolved-configmap:${cm}`;
        } else principal = `object:${lower(String(spec['principalId']))}`;
        const roleId = String(spec['roleDefinitionReference']?.['armId'] ?? '');
        facts.add(`grant ${aliases.get(principal) ?? principal} ${lower(roleId.slice(roleId.lastIndexOf('/') + 1))} ${lower(String(spec['owner']['armId']))}`);
        break;
      }
      default:
        facts.add(`unrecognised-object ${o['kind']}`);
    }
  }
  return facts;
}

/**
 * The spec's literal principal IDs by the identity they belong to: ASO names an existing
 * identity's principal by the GUID in the spec, while scripts and Terraform look it up by name.
 */
export function principalAliases(specText: string): Map<string, string> {
  const spec = parse(specText) as Obj;
  const aliases = new Map<string, string>();
  for (const identity of spec['identities'] ?? []) {
    const wi = identity['azureWorkloadIdentity'];
    if (wi?.['principalID']) {
      aliases.set(`object:${lower(wi['principalID'])}`, miId(spec['cluster']?.['aks']?.['subscriptionID'] ?? '', wi['resourceGroup'], wi['name'] ?? identity['name']));
    }
  }
  return aliases;
}

/** All three sides for one spec; the objects side only when every identity emits objects. */
export function paritySides(specText: string, files: ReadonlyMap<string, string>, commands: readonly RecordedCommand[]): ParitySides {
  const script = scriptFacts(commands);
  const terraform = terraformFacts(files);
  const objectFiles = [...files.keys()].filter((p) => /^cloud\/(config-connector|azure-service-operator)\/.+\.yaml$/.test(p));
  const identities = ((parse(specText) as Obj)['identities'] ?? []).length as number;
  if (objectFiles.length === 0) return { script, terraform };
  if (objectFiles.length !== identities) {
    return { script, terraform, objectsNote: `${objectFiles.length} of ${identities} identities emit controller objects; not compared` };
  }
  return { script, terraform, objects: objectFacts(files, principalAliases(specText)) };
}

/** Lines only one side has, as `- fact` (missing from `b`) and `+ fact` (extra in `b`). */
export function factDiff(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return [...[...a].filter((f) => !b.has(f)).map((f) => `- ${f}`), ...[...b].filter((f) => !a.has(f)).map((f) => `+ ${f}`)].sort();
}
