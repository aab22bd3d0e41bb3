/**
 * Adoption: moving a cloud side that already exists (made by `cloud/*.sh`, by hand, or by another
 * tool) under the Terraform wi-gen emits, without "already exists — to be managed via Terraform
 * this resource needs to be imported".
 *
 * Every address and import ID is read off the Terraform blocks the methods built (their literal
 * arguments, the references between them, and the provider configuration), never re-derived from
 * the spec, so an import can never name another object than the resource it adopts.
 *
 * Each resource type wi-gen emits has one row below: how it is adopted and the provider document
 * its import ID format comes from.
 *   - `block`: the create call fails when the object exists, and the ID follows from the
 *     configuration: an `import` block (Terraform >= 1.5) in `cloud/terraform/adopt/imports.tf`.
 *   - `recipe`: the create call fails too, but the ID holds a name the cloud chose (an Azure role
 *     assignment's GUID, an EKS association ID): a lookup command and a `terraform import` line in
 *     the README.
 *   - `none`: creating over an existing object succeeds (an additive IAM member, an upsert), so
 *     Terraform takes the object over on its first apply and no import is needed.
 */
import type { TerraformFile, TerraformProvider } from '../model/method.js';
import { HclExpression, attr, block, comment, expr, type HclBlock, type HclBodyItem, type HclValue } from '../format/hcl.js';
import { command, shellQuote } from '../format/shell.js';
import { roleDefinitionFilter } from '../methods/shared/azure-common.js';

/** An `import` block to write: adopt the object with this ID into this address. */
interface ImportTarget {
  readonly address: string;
  readonly type: string;
  readonly id: string;
  /** The provider document that defines the ID format. */
  readonly doc: string;
}

/** Shell lines that look the object's ID up and import it (`terraform import ADDRESS "$ID"`). */
interface ImportRecipe {
  readonly address: string;
  readonly type: string;
  /** What the object is, for the README. */
  readonly what: string;
  readonly lines: readonly string[];
  readonly doc: string;
}

export interface Adoption {
  readonly imports: readonly ImportTarget[];
  readonly recipes: readonly ImportRecipe[];
  /** Resource types emitted that need no import, each with the reason. */
  readonly notNeeded: readonly { readonly type: string; readonly reason: string }[];
}

/** The Terraform directory, as the README's commands address it from the tree's root. */
export const TERRAFORM_DIR = 'cloud/terraform';
/** The opt-in file of import blocks; Terraform does not read subdirectories of a root module. */
export const ADOPTION_FILE = `${TERRAFORM_DIR}/adopt/imports.tf`;

/** One declared block (resource or data source) and the module's provider configurations. */
interface Declared {
  readonly block: HclBlock;
  readonly providers: ReadonlyMap<string, TerraformProvider>;
}

/** What a row's functions can read: the block's own literal arguments and what its references point at. */
interface Reader {
  /** A literal string argument of the block. */
  literal(name: string): string;
  /** An argument that is a literal, or a reference whose value the configuration fixes (e.g. another object's ID). */
  value(name: string): string;
  /** A string argument of the configuration of the block's provider (in versions.tf). */
  provider(name: string): string;
  /** The same, or undefined where the provider falls back to its environment (azurerm without subscription_id). */
  providerSetting(name: string): string | undefined;
  /** An argument as written: a literal string or a reference. */
  raw(name: string): string | HclExpression;
  /** The block a reference argument points at. */
  target(name: string): { declared: Declared; address: string; attribute: string } | undefined;
  readonly address: string;
}

type Adopt =
  | { readonly how: 'block'; readonly doc: string; id(r: Reader): string }
  | { readonly how: 'recipe'; readonly doc: string; what(r: Reader): string; lines(r: Reader, tf: string): string[] }
  | { readonly how: 'none'; readonly reason: string };

const GOOGLE_DOCS = 'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources';
const AZURERM_DOCS = 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources';
const AWS_DOCS = 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources';
const VAULT_DOCS = 'https://registry.terraform.io/providers/hashicorp/vault/latest/docs/resources';

/** `/subscriptions/…/userAssignedIdentities/NAME`, the ID of a managed identity resource and data source alike. */
const userAssignedIdentityId = (r: Reader): string =>
  `/subscriptions/${r.provider('subscription_id')}/resourceGroups/${r.literal('resource_group_name')}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${r.literal('name')}`;

const ADDITIVE_MEMBER = 'an IAM member adds one binding to the policy and leaves others alone; adding one that exists succeeds';

/**
 * Import ID formats, from each resource's "Import" section (the `doc` URL). Data sources share
 * their resource's ID, so a reference to `data.T.N.id` resolves through the same row.
 */
const ADOPTION: Readonly<Record<string, Adopt>> = {
  google_service_account: {
    how: 'block',
    doc: `${GOOGLE_DOCS}/service_account#import`,
    // projects/{{project}}/serviceAccounts/{{email}}; the email of a created account is ACCOUNT_ID@PROJECT.iam.gserviceaccount.com.
    id: (r) => `projects/${r.literal('project')}/serviceAccounts/${r.literal('account_id')}@${r.literal('project')}.iam.gserviceaccount.com`,
  },
  google_project_iam_custom_role: {
    how: 'block',
    doc: `${GOOGLE_DOCS}/project_iam_custom_role#import`,
    id: (r) => `projects/${r.literal('project')}/roles/${r.literal('role_id')}`,
  },
  google_service_account_iam_member: { how: 'none', reason: ADDITIVE_MEMBER },
  google_project_iam_member: { how: 'none', reason: ADDITIVE_MEMBER },
  google_dns_managed_zone_iam_member: { how: 'none', reason: ADDITIVE_MEMBER },
  azurerm_user_assigned_identity: {
    how: 'block',
    doc: `${AZURERM_DOCS}/user_assigned_identity#import`,
    id: userAssignedIdentityId,
  },
  azurerm_federated_identity_credential: {
    how: 'block',
    doc: `${AZURERM_DOCS}/federated_identity_credential#import`,
    id: (r) => `${r.value('user_assigned_identity_id')}/federatedIdentityCredentials/${r.literal('name')}`,
  },
  azurerm_role_assignment: {
    how: 'recipe',
    // The ID ends in the assignment's name, a GUID chosen when it was made (by az, or by the provider).
    doc: `${AZURERM_DOCS}/role_assignment#import`,
    what: (r) => `role assignment of ${r.literal('role_definition_id').replace(/^.*\//, '')} on ${r.literal('scope')}`,
    lines: (r, tf) => [
      `PRINCIPAL_ID=${principalLookup(r)}`,
      // Filtered as cloud/az.sh finds an assignment before making one: by principal and role in the query
      // (--assignee would ask Graph), the query double-quoted for $PRINCIPAL_ID (a GUID).
      `ID="$(${command('az', 'role', 'assignment', 'list', '--scope', r.literal('scope'), '--query', 'QUERY', '--output', 'tsv').replace(
        'QUERY',
        `"[?principalId=='$PRINCIPAL_ID' && ${roleDefinitionFilter(r.literal('role_definition_id').replace(/^.*\//, ''))}].id | [0]"`,
      )})"`,
      `if [ -n "$ID" ]; then ${tf} import ${shellQuote(r.address)} "$ID"; fi`,
    ],
  },
  aws_iam_role: {
    how: 'block',
    doc: `${AWS_DOCS}/iam_role#import`,
    id: (r) => r.literal('name'),
  },
  aws_iam_role_policy: {
    how: 'none',
    reason: 'the provider writes an inline policy with PutRolePolicy, which replaces one of the same name',
  },
  aws_iam_role_policy_attachment: {
    how: 'none',
    reason: 'AttachRolePolicy succeeds when the policy is attached already',
  },
  aws_eks_pod_identity_association: {
    how: 'recipe',
    // CLUSTER_NAME,ASSOCIATION_ID; EKS chooses the association ID (a-…).
    doc: `${AWS_DOCS}/eks_pod_identity_association#import`,
    what: (r) => `EKS Pod Identity association of ${r.literal('namespace')}/${r.literal('service_account')} in cluster ${r.literal('cluster_name')}`,
    lines: (r, tf) => [
      `ID="$(${command(
        'aws', 'eks', 'list-pod-identity-associations', '--region', r.provider('region'), '--cluster-name', r.literal('cluster_name'),
        '--namespace', r.literal('namespace'), '--service-account', r.literal('service_account'),
        '--query', 'associations[0].associationId', '--output', 'text',
      )})"`,
      // The CLI prints None when the query matches nothing.
      `if [ -n "$ID" ] && [ "$ID" != None ]; then ${tf} import ${shellQuote(r.address)} ${shellQuote(`${r.literal('cluster_name')},`)}"$ID"; fi`,
    ],
  },
  vault_azure_secret_backend: {
    how: 'block',
    // Enabling a secrets engine where one is mounted fails ("path is already in use"). The page has no Import
    // section: the provider's importer passes the ID through, and create sets it to the mount path
    // (terraform-provider-vault, vault/resource_azure_secret_backend.go).
    doc: `${VAULT_DOCS}/azure_secret_backend`,
    id: (r) => r.literal('path'),
  },
  vault_azure_secret_backend_role: { how: 'none', reason: 'Vault writes a role over one of the same name' },
  vault_policy: { how: 'none', reason: 'Vault writes a policy over one of the same name' },
  vault_kubernetes_auth_backend_role: { how: 'none', reason: 'Vault writes a role over one of the same name' },
};

/** Shell text (a `$(…)` or a literal) that yields the principal ID a role assignment's `principal_id` names. */
function principalLookup(r: Reader): string {
  const raw = r.raw('principal_id');
  if (typeof raw === 'string') return shellQuote(raw);
  const t = r.target('principal_id');
  const type = t?.declared.block.labels[0];
  const reader = t && readerFor(t.declared, t.address, new Map());
  // Without subscription_id the provider uses the environment's subscription (ARM_SUBSCRIPTION_ID, az login), and so does az.
  const subscription = reader?.providerSetting('subscription_id');
  const where = (x: Reader) => [...(subscription ? ['--subscription', subscription] : []), '--resource-group', x.literal('resource_group_name'), '--name', x.literal('name')];
  if (reader && type === 'azurerm_user_assigned_identity' && t.attribute === 'principal_id') {
    return `"$(${command('az', 'identity', 'show', ...where(reader), '--query', 'principalId', '--output', 'tsv')})"`;
  }
  if (reader && type === 'azurerm_kubernetes_cluster' && t.attribute === 'kubelet_identity[0].object_id') {
    return `"$(${command('az', 'aks', 'show', ...where(reader), '--query', 'identityProfile.kubeletidentity.objectId', '--output', 'tsv')})"`;
  }
  if (reader && type === 'azuread_service_principal' && t.attribute === 'object_id') {
    return `"$(${command('az', 'ad', 'sp', 'show', '--id', reader.literal('client_id'), '--query', 'id', '--output', 'tsv')})"`;
  }
  throw new Error(`${r.address}: no lookup for principal_id = ${raw.text}`);
}

const REFERENCE = /^(data\.)?([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.(.+)$/;

/** Declared blocks by address, across every file of the module. */
type Index = Map<string, Declared>;

function readerFor(declared: Declared, address: string, index: Index): Reader {
  const args = new Map<string, HclValue>();
  for (const item of declared.block.body) if (item.kind === 'attribute') args.set(item.name, item.value);
  const fail = (what: string): never => {
    throw new Error(`${address}: ${what}`);
  };
  const raw = (name: string): string | HclExpression => {
    const v = args.get(name);
    if (typeof v === 'string' || v instanceof HclExpression) return v;
    return fail(`argument ${name} is neither a string nor a reference`);
  };
  const target = (name: string) => {
    const v = raw(name);
    if (typeof v === 'string') return undefined;
    const m = REFERENCE.exec(v.text);
    if (!m) return undefined;
    const targetAddress = `${m[1] ?? ''}${m[2]}.${m[3]}`;
    const found = index.get(targetAddress);
    return found ? { declared: found, address: targetAddress, attribute: m[4] as string } : undefined;
  };
  const reader: Reader = {
    address,
    raw,
    target,
    literal(name) {
      const v = raw(name);
      return typeof v === 'string' ? v : fail(`argument ${name} is a reference (${v.text}), not a literal`);
    },
    value(name) {
      const v = raw(name);
      if (typeof v === 'string') return v;
      const t = target(name);
      if (!t) return fail(`argument ${name} references ${v.text}, which is not declared here`);
      const row = ADOPTION[t.declared.block.labels[0] as string];
      const other = readerFor(t.declared, t.address, index);
      // A resource's `id` is its import ID in every row that has one; any other attribute must be a literal argument.
      if (t.attribute === 'id' && row?.how === 'block') return row.id(other);
      if (t.attribute !== 'id' && /^[a-z_]+$/.test(t.attribute)) return other.literal(t.attribute);
      return fail(`cannot tell the value of ${v.text} from the configuration`);
    },
    providerSetting(name) {
      const providerName = (declared.block.labels[0] as string).split('_')[0] as string;
      const configuration: readonly HclBodyItem[] = declared.providers.get(providerName)?.configuration ?? [];
      const found = configuration.find((x) => x.kind === 'attribute' && x.name === name);
      return found?.kind === 'attribute' && typeof found.value === 'string' ? found.value : undefined;
    },
    provider(name) {
      return reader.providerSetting(name) ?? fail(`provider "${(declared.block.labels[0] as string).split('_')[0]}" sets no ${name}`);
    },
  };
  return reader;
}

/**
 * How each resource of the module is adopted. Addresses the module imports already (an AWS role
 * the spec marks `create: false`) are left out: a second import block for one address is an error.
 */
export function adoption(
  files: readonly TerraformFile[],
  providers: ReadonlyMap<string, TerraformProvider>,
  tf = `terraform -chdir=${TERRAFORM_DIR}`,
): Adoption {
  const index: Index = new Map();
  const imported = new Set<string>();
  for (const f of files) {
    for (const b of f.blocks) {
      if (b.type === 'resource') index.set(`${b.labels[0]}.${b.labels[1]}`, { block: b, providers });
      else if (b.type === 'data') index.set(`data.${b.labels[0]}.${b.labels[1]}`, { block: b, providers });
      else if (b.type === 'import') {
        const to = b.body.find((x) => x.kind === 'attribute' && x.name === 'to');
        if (to?.kind === 'attribute' && to.value instanceof HclExpression) imported.add(to.value.text);
      }
    }
  }
  const imports: ImportTarget[] = [];
  const recipes: ImportRecipe[] = [];
  const notNeeded = new Map<string, string>();
  for (const [address, declared] of index) {
    if (declared.block.type !== 'resource' || imported.has(address)) continue;
    const type = declared.block.labels[0] as string;
    const row = ADOPTION[type];
    if (!row) throw new Error(`${address}: no adoption rule for resource type ${type} (src/emit/terraform-imports.ts)`);
    const r = readerFor(declared, address, index);
    if (row.how === 'block') imports.push({ address, type, id: row.id(r), doc: row.doc });
    // `what` becomes a shell comment: no control character may end it early.
    else if (row.how === 'recipe') recipes.push({ address, type, what: row.what(r).replace(/[\x00-\x1f\x7f]/g, ' '), lines: row.lines(r, tf), doc: row.doc });
    else notNeeded.set(type, row.reason);
  }
  return { imports, recipes, notNeeded: [...notNeeded.entries()].map(([type, reason]) => ({ type, reason })) };
}

/** The blocks of `cloud/terraform/adopt/imports.tf`: its own version requirement, then one import per adoptable resource. */
export function importBlocks(targets: readonly ImportTarget[]): HclBlock[] {
  return [
    // import blocks arrived in Terraform 1.5; Terraform reports an unmet required_version before anything else.
    block('terraform', [], [attr('required_version', '>= 1.5')]),
    ...targets.map((t) => block('import', [], [comment(`ID format: ${t.doc}`), attr('to', expr(t.address)), attr('id', t.id)])),
  ];
}
