/**
 * GKE links: the cluster's workload pool, node pools on the GKE metadata server, and every IAM
 * grant the gcloud script / Terraform make (`gkeIamGrants`, the renderer's own list).
 */
import type { Identity, Model } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { gkeIamGrants, type GcpIamGrant, type GkeIdentity } from '../methods/gke.js';
import { parseGsaEmail, workloadPool } from '../methods/names/gcp.js';
import { shellQuote } from '../format/shell.js';
import type { Facts, GcpIamPolicy } from './facts.js';
import { broken, ok, unchecked, type Link } from './link.js';

export function gkeClusterLinks(model: Model, facts: Facts): Link[] {
  const gke = model.cluster.gke;
  if (!gke) return [];
  const links: Link[] = [];
  const pool = workloadPool(gke.project);
  const where = ` --project ${gke.project} --location ${gke.location ?? 'LOCATION'}`;
  const title = `cluster ${model.cluster.name} has Workload Identity Federation (pool ${pool})`;
  const cluster = facts.gkeClusters.find((c) => c.name === model.cluster.name) ?? facts.gkeClusters[0];
  if (!cluster) {
    links.push(unchecked('gcp.workload-pool', title, `gcloud container clusters describe ${model.cluster.name}${where} --format=json`));
  } else if (cluster.workloadPool !== pool) {
    links.push(broken('gcp.workload-pool', title, cluster.workloadPool ? `the cluster's workload pool is ${cluster.workloadPool}` : 'Workload Identity Federation is not enabled on the cluster',
      cluster.workloadPool ? `set cluster.gke.project to the project of ${cluster.workloadPool} in the spec` : `gcloud container clusters update ${model.cluster.name}${where} --workload-pool=${pool}`));
  } else {
    links.push(ok('gcp.workload-pool', title));
  }
  if (!gke.autopilot && !cluster?.autopilot) {
    const poolTitle = 'every node pool runs the GKE metadata server (GKE_METADATA)';
    if (facts.nodePools.length === 0) {
      links.push(unchecked('gcp.node-pools', poolTitle, `gcloud container node-pools list --cluster ${model.cluster.name}${where} --format=json`));
    } else {
      const bad = facts.nodePools.filter((p) => p.metadataMode !== 'GKE_METADATA');
      links.push(bad.length === 0
        ? ok('gcp.node-pools', poolTitle)
        : broken('gcp.node-pools', poolTitle, bad.map((p) => `node pool ${p.name} has workload metadata ${p.metadataMode ?? 'unset'}`).join('; '),
          bad.map((p) => `gcloud container node-pools update ${p.name} --cluster ${model.cluster.name}${where} --workload-metadata=GKE_METADATA`).join(' && ')));
    }
  }
  return links;
}

const describeResource = (r: GcpIamGrant['resource']): string =>
  r.type === 'serviceAccount' ? `service account ${r.email}` : r.type === 'project' ? `project ${r.project}` : `managed zone ${r.zone} (project ${r.project})`;

/** Whether a dumped policy may be the policy of `resource`: labelled as it, or unlabelled and of its kind. */
function mayBe(policy: GcpIamPolicy, resource: GcpIamGrant['resource']): boolean {
  const label = policy.resource;
  if (label) {
    if (label.type !== resource.type) return false;
    if (label.type === 'serviceAccount') return resource.type === 'serviceAccount' && label.email === resource.email;
    if (label.type === 'project') return resource.type === 'project' && label.project === resource.project;
    return resource.type === 'managedZone' && label.zone === resource.zone && (label.project === undefined || label.project === resource.project);
  }
  // Unlabelled: a service account's policy is the one that holds workload identity users.
  const looksLikeSa = policy.bindings.some((b) => b.role === 'roles/iam.workloadIdentityUser');
  return resource.type === 'serviceAccount' ? looksLikeSa : !looksLikeSa;
}

function dumpCommand(r: GcpIamGrant['resource']): string {
  if (r.type === 'serviceAccount') return `gcloud iam service-accounts get-iam-policy ${r.email} --project ${r.project} --format=json > sa.json (pass it as gsa:${r.email}=sa.json)`;
  if (r.type === 'project') return `gcloud projects get-iam-policy ${r.project} --format=json > project.json (pass it as project:${r.project}=project.json)`;
  return `gcloud dns managed-zones get-iam-policy ${r.zone} --project ${r.project} --format=json > zone.json (pass it as zone:${r.project}/${r.zone}=zone.json)`;
}

function fixCommand(g: GcpIamGrant): string {
  const r = g.resource;
  const args = `--role ${shellQuote(g.role)} --member ${shellQuote(g.member)} --condition=None`;
  if (r.type === 'serviceAccount') return `gcloud iam service-accounts add-iam-policy-binding ${r.email} --project ${r.project} ${args}`;
  if (r.type === 'project') return `gcloud projects add-iam-policy-binding ${r.project} ${args}`;
  return `run out/cloud/gcloud.sh (it adds ${g.member} as ${g.role} to managed zone ${r.zone} with get-iam-policy / set-iam-policy)`;
}

/** The Google service account an impersonating identity names exists and is enabled. */
export function gsaLink(identity: Identity<GkeIdentity>, facts: Facts): Link[] {
  const email = identity.config.serviceAccount;
  if (identity.config.mode !== 'impersonation' || !email) return [];
  const { accountId, project } = parseGsaEmail(email) as { accountId: string; project: string };
  const title = `Google service account ${email} exists and is enabled`;
  const found = facts.gcpServiceAccounts.find((a) => a.email === email);
  if (!found) {
    return [facts.gcpServiceAccounts.length === 0
      ? unchecked('gcp.service-account', title, `gcloud iam service-accounts describe ${email} --project ${project} --format=json`)
      : broken('gcp.service-account', title, `no dump of ${email} among the service accounts given`, identity.config.create ? 'run out/cloud/gcloud.sh (it creates the service account)' : `gcloud iam service-accounts create ${accountId} --project ${project}, or set create: true in the spec`)];
  }
  if (found.disabled) return [broken('gcp.service-account', title, 'the service account is disabled', `gcloud iam service-accounts enable ${email} --project ${project}`)];
  return [ok('gcp.service-account', title)];
}

export function gkeIdentityLinks(identity: Identity<GkeIdentity>, facts: Facts, ctx: MethodContext, namespace?: string, name?: string): Link[] {
  const grants = gkeIamGrants(identity, ctx).filter((g) =>
    // A binding's own chain shows its workloadIdentityUser grant and the identity's shared roles.
    g.role !== 'roles/iam.workloadIdentityUser' || namespace === undefined || g.member.endsWith(`[${namespace}/${name}]`) || g.member.endsWith(`/ns/${namespace}/sa/${name}`),
  ).filter((g) => namespace === undefined || !g.member.startsWith('principal://') || g.member.endsWith(`/ns/${namespace}/sa/${name}`));
  return grants.map((g) => {
    const id = `gcp.iam:${g.role}@${describeResource(g.resource)}:${g.member}`;
    const title = `${describeResource(g.resource)} grants ${g.role} to ${g.member}`;
    const candidates = facts.iamPolicies.filter((p) => mayBe(p, g.resource));
    if (candidates.length === 0) return unchecked(id, title, dumpCommand(g.resource));
    const found = candidates.some((p) => p.bindings.some((b) => b.role === g.role && b.members.includes(g.member) && !b.conditional));
    if (found) return ok(id, title);
    const sameMemberElsewhere = candidates.flatMap((p) => p.bindings.filter((b) => b.members.includes(g.member)).map((b) => b.role));
    const detail = sameMemberElsewhere.length
      ? `${g.member} has ${sameMemberElsewhere.join(', ')} there, not ${g.role}`
      : `no binding of ${g.role} for ${g.member} in ${candidates.map((p) => p.source).join(', ')}`;
    return broken(id, title, detail, fixCommand(g));
  });
}
