/**
 * What the dumps say, normalised: one shape per fact, whatever command printed it. Every reader
 * is keyed on the documented JSON output of one command (kubectl `-o json`, gcloud
 * `--format=json`, az's default JSON, aws's default JSON), recognised by shape rather than by
 * file name, so a user can pass dumps in any order and mix them in one file.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `get(o, 'a', 'b', 0)`: undefined as soon as a step is missing. */
export function get(value: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') v = Array.isArray(v) ? v[step] : undefined;
    else v = isObject(v) && Object.hasOwn(v, step) ? v[step] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** A Kubernetes object from `kubectl get … -o json`. */
export interface KubeObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly raw: JsonObject;
}

/** A gcloud `get-iam-policy` answer; `resource` is known only when the user labelled the dump. */
export interface GcpIamPolicy {
  readonly resource?: GcpResourceLabel;
  readonly bindings: readonly { readonly role: string; readonly members: readonly string[]; readonly conditional: boolean }[];
  readonly source: string;
}

export type GcpResourceLabel =
  | { readonly type: 'serviceAccount'; readonly email: string }
  | { readonly type: 'project'; readonly project: string }
  | { readonly type: 'managedZone'; readonly project?: string; readonly zone: string };

/** `gcloud iam service-accounts describe EMAIL --format=json`. */
interface GcpServiceAccountFact {
  readonly email: string;
  readonly disabled: boolean;
  readonly source: string;
}

interface GkeClusterFact {
  readonly name: string;
  readonly workloadPool?: string;
  readonly autopilot: boolean;
  readonly source: string;
}

interface GkeNodePoolFact {
  readonly name: string;
  /** `config.workloadMetadataConfig.mode`: GKE_METADATA runs the GKE metadata server. */
  readonly metadataMode?: string;
  readonly source: string;
}

interface AksClusterFact {
  readonly name: string;
  readonly issuerUrl?: string;
  readonly oidcEnabled: boolean;
  readonly workloadIdentityEnabled: boolean;
  readonly kubeletObjectId?: string;
  readonly kubeletClientId?: string;
  readonly source: string;
}

interface AzureIdentityFact {
  readonly name: string;
  readonly resourceGroup?: string;
  readonly clientId?: string;
  readonly principalId?: string;
  readonly source: string;
}

interface FederatedCredentialFact {
  readonly name: string;
  /** The identity the credential hangs on, from its ARM ID. */
  readonly identityName?: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
  readonly source: string;
}

interface RoleAssignmentFact {
  readonly principalId: string;
  readonly roleName?: string;
  /** The role definition GUID (last segment of roleDefinitionId), lower case. */
  readonly roleGuid?: string;
  readonly scope: string;
  readonly source: string;
}

interface EksClusterFact {
  readonly name: string;
  readonly issuer?: string;
  readonly source: string;
}

interface IamRoleFact {
  readonly name: string;
  readonly arn: string;
  readonly trust?: JsonObject;
  readonly source: string;
}

interface IamRolePolicyFact {
  readonly roleName: string;
  readonly policyName: string;
  readonly document: JsonObject;
  readonly source: string;
}

interface PodIdentityAssociationFact {
  readonly clusterName?: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly roleArn?: string;
  readonly source: string;
}

export interface Facts {
  readonly kube: KubeObject[];
  readonly iamPolicies: GcpIamPolicy[];
  readonly gcpServiceAccounts: GcpServiceAccountFact[];
  readonly gkeClusters: GkeClusterFact[];
  readonly nodePools: GkeNodePoolFact[];
  readonly aksClusters: AksClusterFact[];
  readonly azureIdentities: AzureIdentityFact[];
  readonly federatedCredentials: FederatedCredentialFact[];
  /** Set once any `az role assignment list` was given (an empty list is evidence too). */
  roleAssignmentsSeen: boolean;
  readonly roleAssignments: RoleAssignmentFact[];
  readonly eksClusters: EksClusterFact[];
  readonly iamRoles: IamRoleFact[];
  readonly iamRolePolicies: IamRolePolicyFact[];
  podIdentityAssociationsSeen: boolean;
  readonly podIdentityAssociations: PodIdentityAssociationFact[];
  /** EKS add-on names with status, from `aws eks list-addons` / `describe-addon`. */
  addonsSeen: boolean;
  readonly addons: Map<string, string | undefined>;
  federatedCredentialsSeen: boolean;
}

export function emptyFacts(): Facts {
  return {
    kube: [],
    iamPolicies: [],
    gcpServiceAccounts: [],
    gkeClusters: [],
    nodePools: [],
    aksClusters: [],
    azureIdentities: [],
    federatedCredentials: [],
    roleAssignmentsSeen: false,
    roleAssignments: [],
    eksClusters: [],
    iamRoles: [],
    iamRolePolicies: [],
    podIdentityAssociationsSeen: false,
    podIdentityAssociations: [],
    addonsSeen: false,
    addons: new Map(),
    federatedCredentialsSeen: false,
  };
}

export function findKube(facts: Facts, kind: string, namespace: string, name: string): KubeObject | undefined {
  return facts.kube.find((o) => o.kind === kind && o.namespace === namespace && o.name === name);
}

export const hasKind = (facts: Facts, kind: string): boolean => facts.kube.some((o) => o.kind === kind);
