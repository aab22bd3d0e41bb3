/**
 * The cluster where the ServiceAccounts live. Exactly one cloud block; methods check that the
 * block they need is there (a GKE identity needs `cluster.gke`, and so on).
 */
import { z } from 'zod';
import { dnsLabel, gcpProjectId, guid } from './common.js';

export const GkeClusterSchema = z
  .strictObject({
    project: gcpProjectId.describe(
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
  .describe('A GKE cluster with Workload Identity Federation enabled.');

export type GkeCluster = z.output<typeof GkeClusterSchema>;

/**
 * The AKS OIDC issuer URL exactly as `az aks show --query oidcIssuerProfile.issuerUrl -o tsv` prints
 * it: https, and ending in `/`. Federated credentials compare it character for character with the
 * token's `iss`; a missing trailing slash is the most common cause of AADSTS70021.
 */
export const OidcIssuerUrl = z
  .string()
  .regex(/^https:\/\/[^\s"'`$\\]+$/, { message: 'must be the https:// OIDC issuer URL of the cluster' })
  .refine((u) => u.endsWith('/'), {
    message:
      "must end with '/' exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it; federated credentials match the issuer character for character, and a missing slash fails with AADSTS70021",
  })
  .refine((u) => !/^https:\/\/[^/]*@/.test(u), { message: 'must not carry credentials (user@ or user:password@) in the URL' });

export const AksClusterSchema = z
  .strictObject({
    oidcIssuerURL: OidcIssuerUrl.describe(
      'OIDC issuer URL of the cluster (`az aks show -g RG -n CLUSTER --query oidcIssuerProfile.issuerUrl -o tsv`), with its trailing /.',
    ),
    tenantID: guid('tenantID').describe('Entra tenant of the cluster and its identities.'),
    subscriptionID: guid('subscriptionID').optional().describe('Subscription of the cluster; used in the README commands.'),
    resourceGroup: z
      .string()
      .regex(/^[-\w._()]{1,90}$/, { message: "must be an Azure resource group name: letters, digits, '-', '_', '.', '(' and ')'" })
      .optional()
      .describe('Resource group of the cluster; used in the README commands.'),
  })
  .describe('An AKS cluster with the OIDC issuer (and, for workload identity, the webhook) enabled.');

export type AksCluster = z.output<typeof AksClusterSchema>;

export const ClusterSchema = z
  .strictObject({
    name: dnsLabel('a cluster name').describe('Cluster name; used in names of generated cloud resources and in the README.'),
    gke: GkeClusterSchema.optional(),
    aks: AksClusterSchema.optional(),
  })
  .describe('The Kubernetes cluster whose ServiceAccounts are bound to cloud identities.');

export type Cluster = z.output<typeof ClusterSchema>;

/** The cloud blocks a cluster may carry; exactly one is expected. */
export const CLUSTER_KINDS = Object.keys(ClusterSchema.shape).filter((k) => k !== 'name');
