/**
 * What a method's cloud scripts create and grant, as data (`IdentityMethod.cloudGrants`): one
 * entry per grant or resource, with everything needed to remove it later, even after it has left
 * the spec. src/lifecycle keys, records and removes them; the methods only say what they made.
 */

/** How a removal script finds the object ID of an Azure principal. */
export type AzurePrincipal =
  | { readonly kind: 'managedIdentity'; readonly subscription?: string; readonly resourceGroup: string; readonly name: string }
  | { readonly kind: 'managedIdentityId'; readonly id: string }
  | { readonly kind: 'objectId'; readonly id: string }
  | { readonly kind: 'aksKubelet'; readonly subscription?: string; readonly resourceGroup: string; readonly cluster: string }
  | { readonly kind: 'servicePrincipal'; readonly appId: string };

export type GcpIamResource =
  | { readonly type: 'serviceAccount'; readonly email: string; readonly project: string }
  | { readonly type: 'project'; readonly project: string }
  | { readonly type: 'managedZone'; readonly project: string; readonly zone: string };

export type CloudGrant =
  | { readonly cli: 'gcloud'; readonly kind: 'gcp-service-account'; readonly email: string; readonly project: string; readonly created: boolean }
  | { readonly cli: 'gcloud'; readonly kind: 'gcp-custom-role'; readonly project: string; readonly roleId: string }
  | { readonly cli: 'gcloud'; readonly kind: 'gcp-iam-binding'; readonly resource: GcpIamResource; readonly role: string; readonly member: string }
  | { readonly cli: 'az'; readonly kind: 'azure-identity'; readonly subscription?: string; readonly resourceGroup: string; readonly name: string; readonly created: boolean }
  | {
      readonly cli: 'az';
      readonly kind: 'azure-federated-credential';
      readonly subscription?: string;
      readonly resourceGroup: string;
      readonly identityName: string;
      readonly name: string;
      readonly issuer: string;
      readonly subject: string;
    }
  | { readonly cli: 'az'; readonly kind: 'azure-role-assignment'; readonly principal: AzurePrincipal; readonly role: string; readonly roleName?: string; readonly scope: string }
  | {
      readonly cli: 'aws';
      readonly kind: 'aws-role';
      readonly name: string;
      /** wi-gen creates the role when missing and owns it; false for a role the spec adopts. */
      readonly owned: boolean;
      readonly inlinePolicies: readonly string[];
      readonly policyArns: readonly string[];
    }
  | { readonly cli: 'aws'; readonly kind: 'aws-trust-subject'; readonly role: string; readonly subject: string }
  | { readonly cli: 'aws'; readonly kind: 'aws-pod-identity-association'; readonly region: string; readonly cluster: string; readonly namespace: string; readonly serviceAccount: string }
  | { readonly cli: 'vault'; readonly kind: 'vault-kubernetes-role'; readonly mount: string; readonly name: string }
  | { readonly cli: 'vault'; readonly kind: 'vault-azure-role'; readonly mount: string; readonly name: string }
  | { readonly cli: 'vault'; readonly kind: 'vault-policy'; readonly name: string }
  /** A Config Connector / ASO object under `cloud/`: its controller deletes the cloud resource with it. */
  | { readonly cli: 'kubectl'; readonly kind: 'cloud-object'; readonly apiVersion: string; readonly objectKind: string; readonly namespace: string; readonly name: string };
