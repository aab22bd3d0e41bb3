/** Name formats of GKE Workload Identity Federation, in one place because both halves use them. */

export const GSA_EMAIL = /^([a-z](?:[-a-z0-9]{4,28}[a-z0-9]))@([a-z][-a-z0-9]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/;

export function parseGsaEmail(email: string): { accountId: string; project: string } | undefined {
  const m = GSA_EMAIL.exec(email);
  return m ? { accountId: m[1] as string, project: m[2] as string } : undefined;
}

export const workloadPool = (project: string): string => `${project}.svc.id.goog`;

/** The IAM member a KSA impersonates a GSA as (`roles/iam.workloadIdentityUser` on the GSA). */
export const ksaMember = (project: string, namespace: string, name: string): string =>
  `serviceAccount:${workloadPool(project)}[${namespace}/${name}]`;

/** A KSA as a principal in its own right (direct-principal mode, no GSA). */
export const ksaPrincipal = (project: string, projectNumber: string, namespace: string, name: string): string =>
  `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${workloadPool(project)}/subject/ns/${namespace}/sa/${name}`;

export const GKE_GSA_ANNOTATION = 'iam.gke.io/gcp-service-account';
export const GKE_METADATA_NODE_LABEL = 'iam.gke.io/gke-metadata-server-enabled';

/**
 * What cert-manager's Cloud DNS solver calls (clouddns.go), as IAM permissions. `managedZones.list`
 * is needed only when the issuer does not name its managed zone.
 */
export const CLOUD_DNS_SOLVER_PERMISSIONS = [
  'dns.changes.create',
  'dns.changes.get',
  'dns.changes.list',
  'dns.resourceRecordSets.create',
  'dns.resourceRecordSets.delete',
  'dns.resourceRecordSets.list',
  'dns.resourceRecordSets.update',
] as const;
export const CLOUD_DNS_ZONE_LOOKUP_PERMISSION = 'dns.managedZones.list';
