/**
 * What the three Azure methods share: the cluster block they need, the cert-manager azureDNS
 * solver, and role assignments (DNS zones of the issuers plus the spec's own roles) as az
 * commands, Terraform and Azure Service Operator objects. The methods differ only in who the
 * principal is and how its object ID is found.
 */
import { z } from 'zod';
import { lazily } from '../../schema/common.js';
import type { AksCluster } from '../../schema/cluster.js';
import type { Identity, IssuerModel } from '../../model/model.js';
import { attr, block, expr, type HclBlock, type HclExpression } from '../../format/hcl.js';
import { command, shellQuote, type ShellVariable } from '../../format/shell.js';
import { tfName } from '../../format/names.js';
import type { CheckContext, MethodContext, TerraformProvider } from '../../model/method.js';
import type { AzurePrincipal, CloudGrant } from '../../model/cloud-grant.js';
import {
  ARM_SCOPE,
  ASO_AUTHORIZATION_API_VERSION,
  BUILT_IN_ROLES,
  GUID_PATTERN,
  dnsZoneRole,
  dnsZoneScope,
  kubernetesNameSegment,
  resourceGroupScope,
  roleDefinitionId,
  scopeSubscription,
} from '../names/azure.js';

export const AzureRoleSchema = lazily(() =>
  z
    .strictObject({
      role: z
        .string()
        .refine((r) => Object.hasOwn(BUILT_IN_ROLES, r) || GUID_PATTERN.test(r), {
          message: `must be a role definition GUID (az role definition list --name NAME --query [].name -o tsv) or one of ${Object.keys(BUILT_IN_ROLES)
            .map((r) => `"${r}"`)
            .join(', ')}`,
        })
        .describe('Built-in role name wi-gen knows, or any role definition GUID.'),
      scope: z
        .string()
        .regex(ARM_SCOPE, {
          message:
            'must be an Azure resource ID below a subscription, e.g. /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/NAME',
        })
        .describe('ARM resource ID the role is assigned on.'),
    })
    .describe('An Azure role assignment for the workloads of this identity.'),
);

export type AzureRole = z.output<ReturnType<typeof AzureRoleSchema>>;

/** One role assignment: a role on a scope, for the identity's principal. */
export interface AzureGrant {
  readonly scope: string;
  readonly roleName?: string;
  readonly roleGuid: string;
  /** Unique within the identity; names Terraform resources and ASO objects. */
  readonly label: string;
}

export function aksCluster(ctx: MethodContext): AksCluster | undefined {
  return ctx.model.cluster.aks;
}

/** Reports a missing `cluster.aks` at the place the user must edit. */
export function requireAks(identity: Identity, key: string, ctx: CheckContext): AksCluster | undefined {
  const cluster = aksCluster(ctx);
  if (!cluster) ctx.diagnostics.error(['cluster'], `identity "${identity.name}" uses ${key}, which needs a cluster.aks block`);
  return cluster;
}

function issuersOf(identity: Identity, ctx: MethodContext): IssuerModel[] {
  return (ctx.model.certManager?.issuers ?? []).filter((i) => i.identity === identity && i.dns01.azureDNS !== undefined);
}

type AzureDns = NonNullable<IssuerModel['dns01']['azureDNS']>;

/**
 * The azureDNS block without credentials. No top-level clientID: its absence is what makes
 * cert-manager use its pod's identity (ambient credentials).
 */
export function azureDnsSolver(issuer: IssuerModel, managedIdentity?: Record<string, string>): Record<string, unknown> {
  const dns = issuer.dns01.azureDNS as AzureDns;
  return {
    azureDNS: {
      subscriptionID: dns.subscriptionID,
      resourceGroupName: dns.resourceGroupName,
      ...(dns.hostedZoneName ? { hostedZoneName: dns.hostedZoneName } : {}),
      environment: dns.environment,
      ...(dns.zoneType === 'AzurePrivateZone' ? { zoneType: dns.zoneType } : {}),
      ...(managedIdentity ? { managedIdentity } : {}),
    },
  };
}

/**
 * DNS rights for every issuer of the identity: the zone when the issuer names it, else the
 * zones' resource group (cert-manager then finds the zone itself).
 */
export function grantsOf(identity: Identity, roles: readonly AzureRole[], ctx: MethodContext): AzureGrant[] {
  const grants: AzureGrant[] = [];
  const seen = new Set<string>();
  const labels = new Set<string>();
  const add = (scope: string, roleName: string | undefined, roleGuid: string, label: string) => {
    const key = `${scope.toLowerCase()}|${roleGuid.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    let unique = label;
    for (let n = 2; labels.has(unique); n++) unique = `${label}-${n}`;
    labels.add(unique);
    grants.push({ scope, ...(roleName ? { roleName } : {}), roleGuid, label: unique });
  };
  for (const issuer of issuersOf(identity, ctx)) {
    const dns = issuer.dns01.azureDNS as AzureDns;
    const roleName = dnsZoneRole(dns.zoneType);
    const scope = dns.hostedZoneName
      ? dnsZoneScope(dns.subscriptionID, dns.resourceGroupName, dns.hostedZoneName, dns.zoneType)
      : resourceGroupScope(dns.subscriptionID, dns.resourceGroupName);
    add(scope, roleName, BUILT_IN_ROLES[roleName] as string, kubernetesNameSegment(`dns-${dns.hostedZoneName ?? dns.resourceGroupName}`));
  }
  for (const r of roles) {
    // Own keys only: a role named `constructor` or `toString` is not a built-in role.
    const known = Object.hasOwn(BUILT_IN_ROLES, r.role) ? BUILT_IN_ROLES[r.role] : undefined;
    const last = r.scope.split('/').filter(Boolean).pop() as string;
    add(r.scope, known ? r.role : undefined, known ?? r.role.toLowerCase(), kubernetesNameSegment(`${known ? r.role : 'role'}-${last}`));
  }
  return grants;
}

const describeGrant = (g: AzureGrant): string => `${g.roleName ?? `role ${g.roleGuid}`} on ${g.scope}`;

/**
 * The JMESPath test for one role in `az role assignment list` output. Matched on the definition
 * ID's last segment, not with --role: az resolves a --role GUID in the signed-in subscription,
 * which misses assignments on a scope in another subscription (a DNS zone elsewhere).
 */
/**
 * `--role` of `az role assignment create`: the full definition ID in the scope's subscription,
 * which az passes through as is (a bare GUID it would place in the signed-in subscription).
 */
export const azRoleArgument = (g: AzureGrant): string => roleDefinitionId(scopeSubscription(g.scope), g.roleGuid);

export const roleDefinitionFilter = (roleGuid: string): string => `ends_with(roleDefinitionId, '/${roleGuid}')`;

/**
 * `az role assignment create` by object ID and principal type: no Graph lookup, so a fresh
 * identity is not hit by replication lag. Each create runs only when a list of the scope finds no
 * assignment of that role to the principal: re-running never depends on how an az version
 * answers a duplicate (some print the existing one, some fail with 409 RoleAssignmentExists).
 * The list filters by principalId in the query, not with --assignee, which would ask Graph, and by
 * role in the query too (roleDefinitionFilter).
 */
export function azRoleAssignments(principal: ShellVariable, grants: readonly AzureGrant[]): string[] {
  return grants.flatMap((g) => {
    const list = command('az', 'role', 'assignment', 'list', '--scope', g.scope, '--query', 'QUERY', '--output', 'tsv')
      // The query names the shell variable, so it is double-quoted (principal IDs are GUIDs).
      .replace('QUERY', `"[?principalId=='$${principal.name}' && ${roleDefinitionFilter(g.roleGuid)}].id"`);
    const create = command(
      'az', 'role', 'assignment', 'create', '--assignee-object-id', principal, '--assignee-principal-type', 'ServicePrincipal',
      '--role', azRoleArgument(g), '--scope', g.scope,
    );
    return [
      `# ${describeGrant(g)}`,
      `if [ -z "$(${indentContinuation(list)})" ]; then`,
      `  ${indentContinuation(create)}`,
      'fi',
    ];
  });
}

/**
 * A JMESPath `--query` as one shell word, double-quoted so its `'…'` literals stay readable
 * (single-quoting would turn each into `'\\''`). Falls back to single quotes when the text holds
 * a character double quotes would expand.
 */
export function doubleQuotedQuery(query: string): string {
  return /^[^"$`\\!]*$/.test(query) ? `"${query}"` : shellQuote(query);
}

const indentContinuation = (text: string): string => text.replaceAll('\n', '\n  ');

/**
 * `NAME="$(command | tr …)"`: an ID Azure prints, lower-cased so it compares with the spec's
 * spelling. `tr`, not `${NAME,,}`: stock macOS bash 3.2 rejects case-modifying expansions.
 */
export function assignLowercase(variable: ShellVariable, commandText: string): string {
  return `${variable.name}="$(${commandText} | tr '[:upper:]' '[:lower:]')"`;
}

// --- Clouds (sovereign clouds)

type AzureEnvironment = 'AzurePublicCloud' | 'AzureChinaCloud' | 'AzureUSGovernmentCloud';

/**
 * The same cloud in each tool's spelling: cert-manager's azureDNS `environment`; `az cloud list`
 * names (az 2.45); the azurerm provider `environment` (public, usgovernment, china); the azuread
 * provider `environment` (global, usgovernmentl4, china; provider docs of azuread 2.x/3.x).
 */
const AZURE_CLOUDS: Readonly<Record<AzureEnvironment, { az: string; azurerm: string; azuread: string }>> = {
  AzurePublicCloud: { az: 'AzureCloud', azurerm: 'public', azuread: 'global' },
  AzureChinaCloud: { az: 'AzureChinaCloud', azurerm: 'china', azuread: 'china' },
  AzureUSGovernmentCloud: { az: 'AzureUSGovernment', azurerm: 'usgovernment', azuread: 'usgovernmentl4' },
};

/**
 * The Azure cloud of the spec: that of its azureDNS issuers (the cluster and its identities live
 * in one cloud; checkAzureEnvironment refuses issuers that disagree). Public Azure without issuers.
 */
function azureEnvironment(ctx: MethodContext): AzureEnvironment {
  const first = (ctx.model.certManager?.issuers ?? []).find((i) => i.dns01.azureDNS !== undefined);
  return ((first?.dns01.azureDNS as AzureDns | undefined)?.environment ?? 'AzurePublicCloud') as AzureEnvironment;
}

/** Refuses an issuer of this identity whose cloud differs from the spec's (az.sh and Terraform talk to one cloud). */
export function checkAzureEnvironment(identity: Identity, ctx: CheckContext): void {
  const environment = azureEnvironment(ctx);
  for (const issuer of issuersOf(identity, ctx)) {
    const own = (issuer.dns01.azureDNS as AzureDns).environment;
    if (own !== environment) {
      ctx.diagnostics.error(
        [...issuer.path, 'dns01', 'azureDNS', 'environment'],
        `is ${own}, but another azureDNS issuer of this spec is in ${environment}; the cluster, its identities and the generated az.sh and Terraform work in one Azure cloud`,
      );
    }
  }
}

/**
 * az talks to whichever cloud `az cloud set` chose last: stop before the first write when that is
 * not the spec's cloud. `az cloud show` needs no login.
 */
export function azCloudCheck(ctx: MethodContext): string[] {
  const environment = azureEnvironment(ctx);
  const name = AZURE_CLOUDS[environment].az;
  return [
    `# az talks to the cloud 'az cloud set' chose last: stop unless it is ${name}, the cloud of the spec (${environment}).`,
    `az_cloud="$(${command('az', 'cloud', 'show', '--query', 'name', '--output', 'tsv')})"`,
    `if [ "$az_cloud" != ${name} ]; then`,
    `  echo "wi-gen: az is set to cloud $az_cloud, but the spec's Azure DNS environment is ${environment}: run 'az cloud set --name ${name}' and 'az login', then re-run this script" >&2`,
    '  exit 1',
    'fi',
  ];
}

export function tfRoleAssignments(
  identityName: string,
  principalId: string | HclExpression,
  grants: readonly AzureGrant[],
  options: { skipServicePrincipalAadCheck?: boolean } = {},
): HclBlock[] {
  return grants.map((g) =>
    block('resource', ['azurerm_role_assignment', tfName(identityName, g.label)], [
      attr('scope', g.scope),
      attr('role_definition_id', roleDefinitionId(scopeSubscription(g.scope), g.roleGuid)),
      attr('principal_id', principalId),
      attr('principal_type', 'ServicePrincipal'),
      ...(options.skipServicePrincipalAadCheck ? [attr('skip_service_principal_aad_check', true)] : []),
    ]),
  );
}

/** ASO RoleAssignments owned by their scope (`armId`), with the role referenced by `armId` too. */
export function asoRoleAssignments(
  identityName: string,
  namespace: string,
  principal: { principalId: string } | { principalIdFromConfig: { name: string; key: string } },
  grants: readonly AzureGrant[],
): Record<string, unknown>[] {
  return grants.map((g) => ({
    apiVersion: ASO_AUTHORIZATION_API_VERSION,
    kind: 'RoleAssignment',
    metadata: { name: `${identityName}-${g.label}`.slice(0, 253).replace(/[-.]+$/, ''), namespace },
    spec: {
      owner: { armId: g.scope },
      ...principal,
      principalType: 'ServicePrincipal',
      // armId, not wellKnownName: older operators' CRDs lack wellKnownName and would prune it silently.
      roleDefinitionReference: { armId: roleDefinitionId(scopeSubscription(g.scope), g.roleGuid) },
    },
  }));
}

/**
 * azurerm refuses to start without `features {}`. The subscription is the cluster's; a method
 * without one passes its identity's, else Terraform takes ARM_SUBSCRIPTION_ID.
 */
export function azurermProvider(ctx: MethodContext, fallbackSubscription?: string): Record<string, TerraformProvider> {
  const subscription = aksCluster(ctx)?.subscriptionID ?? fallbackSubscription;
  const environment = azureEnvironment(ctx);
  return {
    azurerm: {
      source: 'hashicorp/azurerm',
      // 4.65 added user_assigned_identity_id to azurerm_federated_identity_credential.
      version: '>= 4.65, < 6',
      configuration: [
        ...(subscription ? [attr('subscription_id', subscription)] : []),
        // Without it the provider signs in to public Azure, whatever cloud the spec names.
        ...(environment !== 'AzurePublicCloud' ? [attr('environment', AZURE_CLOUDS[environment].azurerm)] : []),
        block('features', [], []),
      ],
    },
  };
}

/** azuread (Microsoft Graph), in the spec's cloud. */
export function azureadProvider(ctx: MethodContext): Record<string, TerraformProvider> {
  const environment = azureEnvironment(ctx);
  return {
    azuread: {
      source: 'hashicorp/azuread',
      // 3.0 renamed application_id to client_id in the data sources used here.
      version: '>= 3.0, < 4',
      ...(environment !== 'AzurePublicCloud' ? { configuration: [attr('environment', AZURE_CLOUDS[environment].azuread)] } : {}),
    },
  };
}

/** `lifecycle { postcondition { ... } }`: stops Terraform when Azure disagrees with the spec. */
export function postcondition(condition: string, errorMessage: string): HclBlock {
  return block('lifecycle', [], [
    block('postcondition', [], [attr('condition', expr(condition)), attr('error_message', errorMessage)]),
  ]);
}

/** The role assignments `grantsOf` derives, as the cloud grants az.sh makes for `principal`. */
export function azureRoleCloudGrants(identity: Identity, roles: readonly AzureRole[], principal: AzurePrincipal, ctx: MethodContext): CloudGrant[] {
  return grantsOf(identity, roles, ctx).map((g) => ({
    cli: 'az' as const,
    kind: 'azure-role-assignment' as const,
    principal,
    role: g.roleGuid,
    ...(g.roleName ? { roleName: g.roleName } : {}),
    scope: g.scope,
  }));
}
