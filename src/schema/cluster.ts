/**
 * The cluster where the ServiceAccounts live. Exactly one cloud block; methods check that the
 * block they need is there (a GKE identity needs `cluster.gke`, and so on).
 */
import { z } from 'zod';
import { AWS_ACCOUNT_ID, AWS_PARTITIONS, awsPartition, awsRegion, dnsLabel, EVERY_BLOCK, gcpProjectId, guid, lazily, optionalBlock, type NamedBlocks } from './common.js';

const gkeClusterSchema = lazily(() =>
  z
    .strictObject({
      project: gcpProjectId().describe(
        'Project that hosts the cluster; its workload pool is PROJECT.svc.id.goog and every KSA member names it.',
      ),
      projectNumber: z
        .string({ error: 'must be the project number as a quoted string of digits, e.g. "123456789012"' })
        .regex(/^[0-9]{6,20}$/, { message: 'must be the project number: digits only, e.g. "123456789012"' })
        .optional()
        .describe('Project number (digits). Required by direct-principal identities, whose principal:// members use it.'),
      location: z
        .string()
        .regex(/^[a-z]+-[a-z]+[0-9](-[a-z])?$/, { message: 'must be a GCP region or zone such as europe-west1 or europe-west1-b' })
        .optional()
        .describe('Region or zone of the cluster; used only in the README commands.'),
      autopilot: z
        .boolean()
        .default(false)
        .describe('GKE Autopilot: no metadata-server nodeSelector, and cert-manager leader election leaves kube-system.'),
      metadataServerNodeSelector: z
        .boolean()
        .default(false)
        .describe(
          'Standard clusters migrating node pools to GKE_METADATA: pin bound workloads to nodes labelled iam.gke.io/gke-metadata-server-enabled="true". Rejected on Autopilot.',
        ),
    })
    .describe('A GKE cluster with Workload Identity Federation enabled.'),
);

export type GkeCluster = z.output<ReturnType<typeof gkeClusterSchema>>;

/**
 * The AKS OIDC issuer URL exactly as `az aks show --query oidcIssuerProfile.issuerUrl -o tsv` prints
 * it: https, and ending in `/`. Federated credentials compare it character for character with the
 * token's `iss`; a missing trailing slash is the most common cause of AADSTS70021.
 */
const oidcIssuerUrl = () =>
  z
    .string()
    .regex(/^https:\/\/[^\s"'`$\\]+$/, { message: 'must be the https:// OIDC issuer URL of the cluster' })
    .refine((u) => u.endsWith('/'), {
      message:
        "must end with '/' exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it; federated credentials match the issuer character for character, and a missing slash fails with AADSTS70021",
    })
    .refine((u) => !/^https:\/\/[^/]*@/.test(u), { message: 'must not carry credentials (user@ or user:password@) in the URL' });

const aksClusterSchema = lazily(() =>
  z
    .strictObject({
      oidcIssuerURL: oidcIssuerUrl().optional().describe(
        'OIDC issuer URL of the cluster (`az aks show -g RG -n CLUSTER --query oidcIssuerProfile.issuerUrl -o tsv`), with its trailing /. Required by azureWorkloadIdentity; kubelet identity and AAD Pod Identity do not use it.',
      ),
      tenantID: guid('tenantID').describe('Entra tenant of the cluster and its identities.'),
      subscriptionID: guid('subscriptionID').optional().describe('Subscription of the cluster; used in the README commands.'),
      resourceGroup: z
        .string()
        .regex(/^[-\w._()]{1,90}$/, { message: "must be an Azure resource group name: letters, digits, '-', '_', '.', '(' and ')'" })
        .optional()
        .describe('Resource group of the cluster; used in the README commands.'),
    })
    .describe('An AKS cluster with the OIDC issuer (and, for workload identity, the webhook) enabled.'),
);

export type AksCluster = z.output<ReturnType<typeof aksClusterSchema>>;

/** An IAM OIDC identity provider, by ARN: the Federated principal of every IRSA trust policy. */
export interface OidcProviderArn {
  readonly partition: string;
  readonly accountID: string;
  /** Issuer host and path without the scheme, as trust-policy condition keys spell it. */
  readonly issuer: string;
  /** The region in an EKS issuer host (`oidc.eks.REGION.amazonaws.com/id/…`). */
  readonly eksRegion?: string;
}

const OIDC_PROVIDER_ARN = new RegExp(
  `^arn:(${AWS_PARTITIONS.join('|')}):iam::([0-9]{12}):oidc-provider/([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*)$`,
);
const EKS_ISSUER = /^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/;

export function parseOidcProviderArn(arn: string): OidcProviderArn | undefined {
  const m = OIDC_PROVIDER_ARN.exec(arn);
  if (!m) return undefined;
  const issuer = m[3] as string;
  const eksRegion = EKS_ISSUER.exec(issuer)?.[1];
  return { partition: m[1] as string, accountID: m[2] as string, issuer, ...(eksRegion ? { eksRegion } : {}) };
}

const eksClusterSchema = lazily(() =>
  z
    .strictObject({
      accountID: z
        .string({ error: 'must be the 12-digit AWS account ID as a quoted string, e.g. "111122223333"' })
        .regex(AWS_ACCOUNT_ID, { message: 'must be the 12-digit AWS account ID, e.g. "111122223333"' })
        .describe('AWS account that owns the cluster (12 digits, quoted). EKS Pod Identity roles must be in it.'),
      region: awsRegion().describe('Region of the cluster; it also sets the AWS partition (aws, aws-cn, aws-us-gov, …) of every ARN.'),
      clusterName: z
        .string()
        .regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, { message: 'must be an EKS cluster name: up to 100 letters, digits, - and _, starting with a letter or digit' })
        .optional()
        .describe('The cluster\'s name in EKS, if it differs from cluster.name. @default cluster.name'),
      oidcProviderARN: z
        .string()
        .optional()
        .describe(
          'ARN of the IAM OIDC provider registered for the cluster\'s issuer (arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID; `aws iam list-open-id-connect-providers`). Needed by IRSA and dedicated-ServiceAccount identities; the issuer host in condition keys is derived from it.',
        ),
    })
    .superRefine((value, ctx) => {
      const given = value.oidcProviderARN;
      if (given === undefined) return;
      const partition = typeof value.region === 'string' ? awsPartition(value.region) : 'aws';
      const account = AWS_ACCOUNT_ID.test(value.accountID) ? value.accountID : 'ACCOUNT_ID';
      const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['oidcProviderARN'], message });
      // The issuer URL is what `aws eks describe-cluster` prints; the ARN is what IAM needs.
      const host = /^(https?:\/\/)?([a-z0-9][-a-z0-9.]*\.[a-z]{2,}(:[0-9]+)?(\/\S*)?)$/i.exec(given);
      if (host) {
        const suggested = `arn:${partition}:iam::${account}:oidc-provider/${(host[2] as string).replace(/\/+$/, '')}`;
        fail(
          `is the OIDC issuer ${host[1] ? 'URL' : 'host'}; IAM names the provider by ARN: ${suggested} (aws iam list-open-id-connect-providers lists the registered ones)`,
        );
        return;
      }
      const arn = parseOidcProviderArn(given);
      if (!arn) {
        fail(
          'must be an IAM OIDC provider ARN: arn:PARTITION:iam::ACCOUNT_ID:oidc-provider/ISSUER_HOST_AND_PATH, e.g. arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
        );
        return;
      }
      if (typeof value.region !== 'string') return;
      if (arn.partition !== partition) {
        fail(`is in partition ${arn.partition}, but cluster.eks.region ${value.region} is in ${partition}`);
      } else if (arn.eksRegion && arn.eksRegion !== value.region) {
        fail(`names the OIDC issuer of an EKS cluster in ${arn.eksRegion}, but cluster.eks.region is ${value.region}`);
      }
    })
    .describe('An EKS cluster: IRSA (with its IAM OIDC provider), EKS Pod Identity, or dedicated ServiceAccounts for cert-manager.'),
);

export type EksCluster = z.output<ReturnType<typeof eksClusterSchema>>;

/** The cloud blocks a cluster may carry; exactly one is expected. */
export const CLUSTER_KINDS = ['gke', 'aks', 'eks'] as const;

/** The cluster block, with the cloud blocks `named` says the spec names (the others stand absent). */
export function clusterSchema(named: NamedBlocks = EVERY_BLOCK) {
  return z
    .strictObject({
      name: dnsLabel('a cluster name').describe('Cluster name; used in names of generated cloud resources and in the README.'),
      gke: optionalBlock(named, 'gke', gkeClusterSchema),
      aks: optionalBlock(named, 'aks', aksClusterSchema),
      eks: optionalBlock(named, 'eks', eksClusterSchema),
    })
    .describe('The Kubernetes cluster whose ServiceAccounts are bound to cloud identities.');
}

export type Cluster = z.output<ReturnType<typeof clusterSchema>>;
