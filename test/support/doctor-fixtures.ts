// Healthy dumps of the example clusters, written by hand in the JSON shape each CLI documents
// (kubectl -o json, gcloud --format=json, az -o json, aws default JSON). Each doctor test case
// breaks one thing in a fresh copy. Values are the examples' own (examples/*/spec.yaml).

type J = Record<string, unknown>;

export const kubeList = (...items: J[]): J => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });

export function serviceAccount(namespace: string, name: string, annotations: Record<string, string> = {}, labels: Record<string, string> = {}, annotatedAt = '2026-11-01T10:00:00Z'): J {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      namespace,
      annotations,
      labels,
      creationTimestamp: '2026-11-01T10:00:00Z',
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          time: annotatedAt,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:annotations': Object.fromEntries(Object.keys(annotations).map((k) => [`f:${k}`, {}])) } },
        },
      ],
    },
  };
}

function podTemplate(serviceAccountName: string, labels: Record<string, string>, extra: J = {}): J {
  return {
    metadata: { labels: { app: 'x', ...labels } },
    spec: { serviceAccountName, containers: [{ name: 'main', image: 'example.com/app:1' }], ...extra },
  };
}

export function deployment(namespace: string, name: string, sa: string, labels: Record<string, string> = {}, extra: J = {}): J {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template: podTemplate(sa, labels, extra) },
  };
}

export function cronJob(namespace: string, name: string, sa: string, labels: Record<string, string> = {}): J {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace },
    spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template: podTemplate(sa, labels, { restartPolicy: 'OnFailure' }) } } },
  };
}

export function pod(namespace: string, name: string, owner: { kind: string; name: string }, sa: string, opts: { env?: string[]; node?: string; created?: string; labels?: Record<string, string> } = {}): J {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: opts.labels ?? {},
      creationTimestamp: opts.created ?? '2026-11-02T08:00:00Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: '0b5c7a4e-0000-4000-8000-000000000001', controller: true }],
    },
    spec: {
      serviceAccountName: sa,
      nodeName: opts.node ?? 'node-a',
      containers: [{ name: 'main', image: 'example.com/app:1', env: (opts.env ?? []).map((n) => ({ name: n, value: 'x' })) }],
    },
    status: { phase: 'Running' },
  };
}

export const node = (name: string, labels: Record<string, string>): J => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });

/** `gcloud … get-iam-policy --format=json`. */
export const iamPolicy = (...bindings: { role: string; members: string[] }[]): J => ({ bindings, etag: 'BwYRdK3yGq0=', version: 1 });

/** `gcloud container clusters describe --format=json` (fields doctor reads, plus a few others). */
export const gkeCluster = (name: string, pool: string | undefined, autopilot: boolean): J => ({
  name,
  location: 'europe-west1',
  selfLink: `https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/${name}`,
  currentMasterVersion: '1.33.5-gke.1000',
  ...(autopilot ? { autopilot: { enabled: true } } : {}),
  ...(pool ? { workloadIdentityConfig: { workloadPool: pool } } : {}),
});

/** `gcloud container node-pools list --format=json`. */
export const nodePools = (...pools: [string, string | undefined][]): J[] =>
  pools.map(([name, mode]) => ({
    name,
    initialNodeCount: 3,
    selfLink: `https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/c/nodePools/${name}`,
    config: { machineType: 'e2-standard-4', ...(mode ? { workloadMetadataConfig: { mode } } : {}) },
  }));

/** `az aks show -o json`. */
export const aksShow = (name: string, issuerUrl: string, workloadIdentity = true): J => ({
  id: `/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourcegroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/${name}`,
  name,
  type: 'Microsoft.ContainerService/ManagedClusters',
  oidcIssuerProfile: { enabled: true, issuerUrl },
  securityProfile: { workloadIdentity: { enabled: workloadIdentity } },
  identityProfile: { kubeletidentity: { clientId: '11111111-2222-4333-8444-555555555555', objectId: '66666666-7777-4888-9999-000000000000', resourceId: '/x' } },
});

/** `az identity show -o json`. */
export const azIdentity = (name: string, resourceGroup: string, clientId: string, principalId: string): J => ({
  clientId,
  id: `/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourcegroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  location: 'westeurope',
  name,
  principalId,
  resourceGroup,
  tenantId: '8d3f6a2e-1c4b-4e7a-9f10-2b6c5d4e3f21',
  type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
});

/** One element of `az identity federated-credential list -o json`. */
export const fic = (identity: string, name: string, issuer: string, subject: string, audiences = ['api://AzureADTokenExchange']): J => ({
  audiences,
  id: `/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/resourcegroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identity}/federatedIdentityCredentials/${name}`,
  issuer,
  name,
  resourceGroup: 'rg-identities',
  subject,
  type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
});

/** One element of `az role assignment list -o json`. */
export const roleAssignment = (principalId: string, roleName: string, roleGuid: string, scope: string): J => ({
  id: `${scope}/providers/Microsoft.Authorization/roleAssignments/9a8b7c6d-0000-4000-8000-000000000001`,
  name: '9a8b7c6d-0000-4000-8000-000000000001',
  principalId,
  principalType: 'ServicePrincipal',
  roleDefinitionId: `/subscriptions/4f9c2b1a-7e3d-4c5b-8a6f-1d2e3c4b5a69/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
  roleDefinitionName: roleName,
  scope,
  type: 'Microsoft.Authorization/roleAssignments',
});

/** `aws eks describe-cluster`. */
export const eksDescribe = (name: string, issuer: string): J => ({
  cluster: { name, arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${name}`, identity: { oidc: { issuer } }, status: 'ACTIVE' },
});

/** `aws iam get-role`. */
export const getRole = (name: string, arn: string, trust: J): J => ({
  Role: { Path: '/', RoleName: name, RoleId: 'AROAEXAMPLEID', Arn: arn, CreateDate: '2026-11-01T10:00:00+00:00', AssumeRolePolicyDocument: trust, MaxSessionDuration: 3600 },
});

export const irsaTrust = (providerArn: string, issuer: string, subjects: string[], audience = 'sts.amazonaws.com'): J => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${issuer}:sub`]: subjects, [`${issuer}:aud`]: audience } },
    },
  ],
});

export const podIdentityTrust = (clusterArn: string, namespace: string, sa: string): J => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn,
          'aws:RequestTag/kubernetes-namespace': namespace,
          'aws:RequestTag/kubernetes-service-account': sa,
        },
      },
    },
  ],
});

/** `aws iam get-role-policy`. */
export const getRolePolicy = (roleName: string, zone: string): J => ({
  RoleName: roleName,
  PolicyName: 'wi-gen-route53-dns01',
  PolicyDocument: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'route53:GetChange', Resource: 'arn:aws:route53:::change/*' },
      { Effect: 'Allow', Action: ['route53:ChangeResourceRecordSets'], Resource: [`arn:aws:route53:::hostedzone/${zone}`] },
    ],
  },
});

/** `aws eks list-pod-identity-associations` (the list carries no role; describe does). */
export const podIdentityAssociations = (...a: { clusterName: string; namespace: string; serviceAccount: string; roleArn?: string }[]): J => ({
  associations: a.map((x, i) => ({ ...x, associationArn: `arn:aws:eks:us-east-2:444455556666:podidentityassociation/${x.clusterName}/a-${i}`, associationId: `a-${i}` })),
});

/** `aws eks list-addons`. */
export const listAddons = (...names: string[]): J => ({ addons: names });
