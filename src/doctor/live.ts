/**
 * `--live`: the read-only commands whose answers are the dumps, for a user who is logged in.
 * Only get/describe/show/list verbs, never a write: a test keeps it so.
 */
import type { Model } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { gkeIamGrants, type GkeIdentity } from '../methods/gke.js';
import type { Identity } from '../model/model.js';
import { parseRoleArn } from '../methods/names/aws.js';
import type { GcpResourceLabel } from './facts.js';
import { parseGsaEmail } from '../methods/names/gcp.js';

interface LiveCommand {
  readonly argv: readonly string[];
  readonly display: string;
  readonly label?: GcpResourceLabel;
}

const cmd = (argv: string[], label?: GcpResourceLabel): LiveCommand => ({ argv, display: argv.join(' '), ...(label ? { label } : {}) });

export function liveCommands(model: Model): LiveCommand[] {
  const ctx: MethodContext = { model };
  const out: LiveCommand[] = [
    cmd(['kubectl', 'get', 'serviceaccounts,deployments,statefulsets,daemonsets,jobs,cronjobs,pods,nodes,mutatingwebhookconfigurations', '-A', '-o', 'json']),
  ];
  if (model.certManager) out.push(cmd(['kubectl', 'get', 'issuers.cert-manager.io,clusterissuers.cert-manager.io', '-A', '-o', 'json']));
  const gke = model.cluster.gke;
  if (gke) {
    const where = gke.location ? ['--location', gke.location] : [];
    out.push(cmd(['gcloud', 'container', 'clusters', 'describe', model.cluster.name, '--project', gke.project, ...where, '--format=json']));
    out.push(cmd(['gcloud', 'container', 'node-pools', 'list', '--cluster', model.cluster.name, '--project', gke.project, ...where, '--format=json']));
    const seen = new Set<string>();
    for (const identity of model.identities.filter((i) => i.method.key === 'gke')) {
      const email = (identity.config as GkeIdentity).serviceAccount;
      if (email) out.push(cmd(['gcloud', 'iam', 'service-accounts', 'describe', email, '--project', parseGsaEmail(email)?.project ?? gke.project, '--format=json']));
      for (const g of gkeIamGrants(identity as Identity<GkeIdentity>, ctx)) {
        const r = g.resource;
        const key = JSON.stringify(r);
        if (seen.has(key)) continue;
        seen.add(key);
        if (r.type === 'serviceAccount') out.push(cmd(['gcloud', 'iam', 'service-accounts', 'get-iam-policy', r.email, '--project', r.project, '--format=json'], { type: 'serviceAccount', email: r.email }));
        else if (r.type === 'project') out.push(cmd(['gcloud', 'projects', 'get-iam-policy', r.project, '--format=json'], { type: 'project', project: r.project }));
        else out.push(cmd(['gcloud', 'dns', 'managed-zones', 'get-iam-policy', r.zone, '--project', r.project, '--format=json'], { type: 'managedZone', project: r.project, zone: r.zone }));
      }
    }
  }
  const aks = model.cluster.aks;
  if (aks) {
    if (aks.resourceGroup) out.push(cmd(['az', 'aks', 'show', '-g', aks.resourceGroup, '-n', model.cluster.name, '-o', 'json']));
    for (const identity of model.identities) {
      const cfg = identity.config as { name?: string; resourceGroup?: string };
      if (identity.method.key !== 'azureWorkloadIdentity' || !cfg.resourceGroup) continue;
      const name = cfg.name ?? identity.name;
      out.push(cmd(['az', 'identity', 'show', '-g', cfg.resourceGroup, '-n', name, '-o', 'json']));
      out.push(cmd(['az', 'identity', 'federated-credential', 'list', '--identity-name', name, '--resource-group', cfg.resourceGroup, '-o', 'json']));
    }
    out.push(cmd(['az', 'role', 'assignment', 'list', '--all', '-o', 'json']));
  }
  const eks = model.cluster.eks;
  if (eks) {
    const name = eks.clusterName ?? model.cluster.name;
    out.push(cmd(['aws', 'eks', 'describe-cluster', '--name', name, '--region', eks.region]));
    if (model.identities.some((i) => i.method.key === 'awsPodIdentity')) {
      out.push(cmd(['aws', 'eks', 'list-addons', '--cluster-name', name, '--region', eks.region]));
      out.push(cmd(['aws', 'eks', 'list-pod-identity-associations', '--cluster-name', name, '--region', eks.region]));
    }
    for (const identity of model.identities) {
      const arn = (identity.config as { roleARN?: string }).roleARN;
      const role = arn ? parseRoleArn(arn)?.name : undefined;
      if (!role) continue;
      out.push(cmd(['aws', 'iam', 'get-role', '--role-name', role]));
      out.push(cmd(['aws', 'iam', 'get-role-policy', '--role-name', role, '--policy-name', 'wi-gen-route53-dns01']));
    }
  }
  return out;
}

/** Verbs `--live` may run: reads only. */
export const READ_ONLY_VERB = /^(get|describe|show|list|get-iam-policy|get-role|get-role-policy|describe-cluster|list-addons|list-pod-identity-associations)$/;
