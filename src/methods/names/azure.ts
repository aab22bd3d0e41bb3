/**
 * Names and formats of Azure identities, in one place because both halves of a binding (the
 * Kubernetes objects and the Azure resources) must spell them identically.
 *
 * @see ../shared/research/azure.md §1 (webhook keys), §3 (federated credentials, roles, scopes), §5 (pod identity)
 */
import { createHash } from 'node:crypto';
import { collapseRuns, isAsciiDigit, isAsciiLetter } from '../../format/names.js';

// --- Azure Workload Identity webhook (Azure/azure-workload-identity pkg/webhook/consts.go)

/** Pod-template label the webhook selects pods by (required since webhook v1.0). */
export const WI_USE_LABEL = 'azure.workload.identity/use';
export const WI_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const WI_TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';
export const WI_TOKEN_EXPIRATION_ANNOTATION = 'azure.workload.identity/service-account-token-expiration';
export const WI_MIN_TOKEN_EXPIRATION = 3600;
export const WI_MAX_TOKEN_EXPIRATION = 86400;

// --- Federated identity credentials

/** The one audience Entra accepts for Kubernetes tokens; a credential holds exactly one. */
export const AZURE_AD_TOKEN_EXCHANGE = 'api://AzureADTokenExchange';
/** Entra's limit of federated credentials per user-assigned identity (or app registration). */
export const MAX_FEDERATED_CREDENTIALS = 20;
/** Name rule of az CLI and the ASO CRD `azureName`: 3-120 characters, alphanumeric first. */
export const FEDERATED_CREDENTIAL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$/;

export const federatedSubject = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

/**
 * `CLUSTER-NAMESPACE-KSA`: the cluster name keeps credentials of one identity apart when it is
 * federated with several clusters. Dots (legal in KSA names) become `-`; a name over 120
 * characters keeps its head and gets a hash of the whole, so it stays unique and stable.
 */
export function federatedCredentialName(cluster: string, namespace: string, name: string): string {
  const full = `${cluster}-${namespace}-${name}`.replace(/[^a-zA-Z0-9_-]/g, '-');
  if (full.length <= 120) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, 109)}-${hash}`;
}

// --- Roles and scopes

/**
 * Built-in role definitions by name. Role names are matched exactly; any other role is given by
 * its definition GUID (`az role definition list --name NAME --query [].name -o tsv`).
 * @see https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'DNS Zone Contributor': 'befefa01-2a29-4197-83a8-272ff33ce314',
  'Private DNS Zone Contributor': 'b12aa53e-6015-4669-85d0-8515ebb3ae7f',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
};

const DNS_ZONE_CONTRIBUTOR = 'DNS Zone Contributor';
const PRIVATE_DNS_ZONE_CONTRIBUTOR = 'Private DNS Zone Contributor';

export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The subscription-scoped form Terraform's `role_definition_id` and ASO's `armId` expect. */
export const roleDefinitionId = (subscriptionID: string, roleGuid: string): string =>
  `/subscriptions/${subscriptionID}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;

export const resourceGroupScope = (subscriptionID: string, resourceGroup: string): string =>
  `/subscriptions/${subscriptionID}/resourceGroups/${resourceGroup}`;

type ZoneType = 'AzurePublicZone' | 'AzurePrivateZone';

/** Canonical `dnsZones`/`privateDnsZones` spelling (ARM answers `dnszones`; it is case-insensitive, Terraform is not). */
export const dnsZoneScope = (subscriptionID: string, resourceGroup: string, zone: string, zoneType: ZoneType): string =>
  `${resourceGroupScope(subscriptionID, resourceGroup)}/providers/Microsoft.Network/${zoneType === 'AzurePrivateZone' ? 'privateDnsZones' : 'dnsZones'}/${zone}`;

export const dnsZoneRole = (zoneType: ZoneType): string =>
  zoneType === 'AzurePrivateZone' ? PRIVATE_DNS_ZONE_CONTRIBUTOR : DNS_ZONE_CONTRIBUTOR;

export const userAssignedIdentityId = (subscriptionID: string, resourceGroup: string, name: string): string =>
  `${resourceGroupScope(subscriptionID, resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

/** A user-assigned identity's ARM ID; `resourcegroups` appears in both cases in the wild. */
export const USER_ASSIGNED_IDENTITY_ID =
  /^\/subscriptions\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\/resourcegroups\/([-\w._()]{1,90})\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([a-zA-Z0-9][a-zA-Z0-9_-]{2,127})$/i;

export interface UserAssignedIdentityRef {
  readonly subscriptionID: string;
  readonly resourceGroup: string;
  readonly name: string;
}

export function parseUserAssignedIdentityId(id: string): UserAssignedIdentityRef | undefined {
  const m = USER_ASSIGNED_IDENTITY_ID.exec(id);
  return m ? { subscriptionID: m[1] as string, resourceGroup: m[2] as string, name: m[3] as string } : undefined;
}

/** Any ARM scope below a subscription: `/subscriptions/S[/resourceGroups/RG[/providers/NS/TYPE/NAME[/TYPE/NAME]...]]`. */
export const ARM_SCOPE =
  /^\/subscriptions\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(\/resourceGroups\/[-\w._()]{1,90}(\/providers\/[A-Za-z0-9.]+(\/[A-Za-z0-9]+\/[-\w._()]+)+)?)?$/i;

export const scopeSubscription = (scope: string): string => (ARM_SCOPE.exec(scope)?.[1] ?? '') as string;

/** User-assigned identity names: 3-128 characters, alphanumeric first. */
export const MANAGED_IDENTITY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;

// --- AAD Pod Identity (Azure/aad-pod-identity v1.8.17 pkg/apis/aadpodidentity/v1/types.go)

export const AAD_POD_IDENTITY_API_VERSION = 'aadpodidentity.k8s.io/v1';
/** Pod label whose value must equal an AzureIdentityBinding's `selector`. */
export const AAD_POD_IDENTITY_LABEL = 'aadpodidbinding';
/** With value `namespaced`, an AzureIdentity matches pods of its own namespace only. */
export const AAD_POD_IDENTITY_BEHAVIOR_ANNOTATION = 'aadpodidentity.k8s.io/Behavior';
/** AzureIdentity `type` of a user-assigned managed identity. */
export const AAD_POD_IDENTITY_TYPE_USER_ASSIGNED_MSI = 0;

// --- Azure Service Operator v2 (explicit versions: `v1api…` strings make kubectl's version priority pick the oldest)

export const ASO_MANAGED_IDENTITY_API_VERSION = 'managedidentity.azure.com/v1api20230131';
export const ASO_AUTHORIZATION_API_VERSION = 'authorization.azure.com/v1api20220401';

/** A Kubernetes object-name segment from an Azure name (which may hold capitals, `_`, `(`, `)`). */
export function kubernetesNameSegment(value: string): string {
  // Other characters become '-', runs of '-' one, and leading and trailing '-' and '.' go (lower-cased
  // first, so the ASCII letters left are a-z).
  const segment = collapseRuns(value.toLowerCase(), (c) => isAsciiLetter(c) || isAsciiDigit(c) || c === 46, '-');
  const edge = (k: number) => segment[k] === '-' || segment[k] === '.';
  let start = 0;
  while (start < segment.length && edge(start)) start++;
  let end = segment.length;
  while (end > start && edge(end - 1)) end--;
  return segment.slice(start, end);
}
