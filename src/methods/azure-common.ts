/**
 * What the three Azure methods share: the cluster block they need, the cert-manager azureDNS
 * solver, and role assignments (DNS zones of the issuers plus the spec's own roles) as az
 * commands, Terraform and Azure Service Operator objects. The methods differ only in who the
 * principal is and how its object ID is found.
 */
import { z } from 'zod';
import type { AksCluster } from '../spec/cluster.js';
import type { Identity, IssuerModel } from '../model/model.js';
import { attr, block, expr, type HclBlock, type HclExpression } from '../emit/hcl.js';
import { command, type ShellVariable } from '../emit/shell.js';
import { tfName } from '../emit/names.js';
import type { CheckContext, MethodContext, TerraformProvider } from './method.js';
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
} from './azure-names.js';

export const AzureRoleSchema = z
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
  .describe('An Azure role assignment for the workloads of this identity.');

export type AzureRole = z.output<typeof AzureRoleSchema>;

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

export function issuersOf(identity: Identity, ctx: MethodContext): IssuerModel[] {
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
 * `az role assignment create` by object ID and principal type: no Graph lookup, so a fresh
 * identity is not hit by replication lag. The command returns the existing assignment when it
 * is already there, so re-running is safe.
 */
export function azRoleAssignments(principal: ShellVariable, grants: readonly AzureGrant[]): string[] {
  return grants.flatMap((g) => [
    `# ${describeGrant(g)}`,
    command(
      'az', 'role', 'assignment', 'create', '--assignee-object-id', principal, '--assignee-principal-type', 'ServicePrincipal',
      '--role', g.roleGuid, '--scope', g.scope,
    ),
  ]);
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
  return {
    azurerm: {
      source: 'hashicorp/azurerm',
      // 4.65 added user_assigned_identity_id to azurerm_federated_identity_credential.
      version: '>= 4.65, < 6',
      configuration: [...(subscription ? [attr('subscription_id', subscription)] : []), block('features', [], [])],
    },
  };
}

/** `lifecycle { postcondition { ... } }`: stops Terraform when Azure disagrees with the spec. */
export function postcondition(condition: string, errorMessage: string): HclBlock {
  return block('lifecycle', [], [
    block('postcondition', [], [attr('condition', expr(condition)), attr('error_message', errorMessage)]),
  ]);
}
