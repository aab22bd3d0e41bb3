/**
 * Keys and removal order of cloud grants (src/model/cloud-grant.ts). `-o DIR` keeps the grants in
 * `.wi-gen-grants.json`, so a re-render knows which grants its bindings no longer need.
 *
 * The record is a stable, documented format (README "Lifecycle"): entries are sorted by `key`,
 * and a key never changes for the same grant, so the file diffs like a list of grants.
 */
import type { AzurePrincipal, CloudGrant } from '../model/cloud-grant.js';

type Cli = CloudGrant['cli'];

/** Creation order of the scripts' CLIs; removal runs it backwards. */
export const CLI_ORDER: readonly Cli[] = ['gcloud', 'az', 'vault', 'aws', 'kubectl'];

/**
 * Dependency rank within a CLI: grants (0) before the roles/credentials they use (1), before
 * the identities that hold them (2). Removal goes from 0 up.
 */
export const REMOVAL_RANK: Readonly<Record<CloudGrant['kind'], number>> = {
  'gcp-iam-binding': 0,
  'gcp-custom-role': 1,
  'gcp-service-account': 2,
  'azure-role-assignment': 0,
  'azure-federated-credential': 0,
  'azure-identity': 2,
  'aws-pod-identity-association': 0,
  'aws-trust-subject': 0,
  'aws-role': 2,
  'vault-kubernetes-role': 0,
  'vault-azure-role': 1,
  'vault-policy': 1,
  'cloud-object': 0,
};

/** A key that names the grant, not its position: stable across renders and spec reorderings. */
export function grantKey(g: CloudGrant): string {
  switch (g.kind) {
    case 'gcp-service-account':
      return `gcloud/service-account/${g.email}`;
    case 'gcp-custom-role':
      return `gcloud/custom-role/${g.project}/${g.roleId}`;
    case 'gcp-iam-binding': {
      const r = g.resource;
      const on = r.type === 'serviceAccount' ? `service-account/${r.email}` : r.type === 'project' ? `project/${r.project}` : `managed-zone/${r.project}/${r.zone}`;
      return `gcloud/iam/${on}/${g.role}/${g.member}`;
    }
    case 'azure-identity':
      return `az/identity/${g.subscription ?? ''}/${g.resourceGroup}/${g.name}`.toLowerCase();
    case 'azure-federated-credential':
      return `az/federated-credential/${g.resourceGroup}/${g.identityName}/${g.subject}`.toLowerCase() + `@${g.issuer}`;
    case 'azure-role-assignment':
      return `az/role-assignment/${principalKey(g.principal)}/${g.role}/${g.scope}`.toLowerCase();
    case 'aws-role':
      return `aws/role/${g.name}`;
    case 'aws-trust-subject':
      return `aws/trust/${g.role}/${g.subject}`;
    case 'aws-pod-identity-association':
      return `aws/pod-identity-association/${g.region}/${g.cluster}/${g.namespace}/${g.serviceAccount}`;
    case 'vault-kubernetes-role':
      return `vault/auth/${g.mount}/role/${g.name}`;
    case 'vault-azure-role':
      return `vault/${g.mount}/roles/${g.name}`;
    case 'vault-policy':
      return `vault/policy/${g.name}`;
    case 'cloud-object':
      return `kubectl/${g.apiVersion}/${g.objectKind}/${g.namespace}/${g.name}`;
  }
}

function principalKey(p: AzurePrincipal): string {
  switch (p.kind) {
    case 'managedIdentity':
      return `identity/${p.resourceGroup}/${p.name}`;
    case 'managedIdentityId':
      return `identity-id/${p.id}`;
    case 'objectId':
      return `object/${p.id}`;
    case 'aksKubelet':
      return `kubelet/${p.resourceGroup}/${p.cluster}`;
    case 'servicePrincipal':
      return `sp/${p.appId}`;
  }
}
