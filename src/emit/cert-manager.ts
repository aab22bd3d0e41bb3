/**
 * What cert-manager's controller needs, derived once from the model: its ServiceAccount
 * metadata, pod-template metadata, extra args and leader-election namespace. Helm values and
 * kustomize patches are two renderings of this one value.
 */
import type { CertManagerModel, Model } from '../model/model.js';
import type { MethodContext, ObjectMetadataPatch, PodTemplatePatch } from '../model/method.js';
import { mergeMaps } from '../k8s/labels.js';

export const ISSUER_AMBIENT_CREDENTIALS_FLAG = '--issuer-ambient-credentials=true';

export interface CertManagerConfig {
  readonly spec: CertManagerModel;
  readonly serviceAccount: ObjectMetadataPatch;
  readonly pod: PodTemplatePatch;
  readonly controllerArgs: readonly string[];
  readonly leaderElectionNamespace?: string;
}

export function certManagerConfig(model: Model): CertManagerConfig | undefined {
  const cm = model.certManager;
  if (!cm) return undefined;
  const ctx: MethodContext = { model };
  const binding = cm.binding;
  const serviceAccount = binding ? binding.identity.method.serviceAccountMetadata(binding, ctx) : {};
  const pod = binding ? binding.identity.method.podTemplate(binding, ctx) : {};

  const args: string[] = [];
  let leaderElectionNamespace: string | undefined;
  const identities = [...new Set([...(binding ? [binding.identity] : []), ...cm.issuers.map((i) => i.identity)])];
  for (const identity of identities) {
    const settings = identity.method.certManagerSettings?.(identity, ctx) ?? {};
    for (const arg of settings.controllerArgs ?? []) if (!args.includes(arg)) args.push(arg);
    leaderElectionNamespace ??= settings.leaderElectionNamespace;
  }
  if (cm.issuers.some((i) => i.kind === 'Issuer' && i.identity.method.ambient(i.identity))) {
    args.push(ISSUER_AMBIENT_CREDENTIALS_FLAG);
  }
  const podLabels = mergeMaps(pod.labels);
  const podAnnotations = mergeMaps(pod.annotations);
  const nodeSelector = mergeMaps(pod.nodeSelector);
  return {
    spec: cm,
    serviceAccount,
    pod: {
      ...(podLabels ? { labels: podLabels } : {}),
      ...(podAnnotations ? { annotations: podAnnotations } : {}),
      ...(nodeSelector ? { nodeSelector } : {}),
      ...(pod.volumes?.length ? { volumes: pod.volumes } : {}),
      ...(pod.env?.length ? { env: pod.env } : {}),
    },
    controllerArgs: args,
    ...(leaderElectionNamespace ? { leaderElectionNamespace } : {}),
  };
}
