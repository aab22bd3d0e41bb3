/**
 * cert-manager Helm chart values (`helm/cert-manager.values.yaml`). Only keys of the chart's
 * values.schema.json are written; the chart's root is strict and rejects anything else.
 *
 * @see https://artifacthub.io/packages/helm/cert-manager/cert-manager
 */
import type { CertManagerConfig } from './cert-manager.js';
import { mergeMaps } from '../k8s/labels.js';
import { kubeVolume, kubeVolumeMount } from '../model/method.js';
import { sortKeys } from '../format/yaml.js';

export function helmValues(config: CertManagerConfig): Record<string, unknown> {
  const { spec, serviceAccount, pod } = config;
  const values: Record<string, unknown> = {
    serviceAccount: {
      create: true,
      name: spec.serviceAccount,
      // The controller talks to the API server with this token; identity webhooks do not replace it.
      automountServiceAccountToken: true,
      ...(mergeMaps(serviceAccount.annotations) ? { annotations: { ...serviceAccount.annotations } } : {}),
      ...(mergeMaps(serviceAccount.labels) ? { labels: { ...serviceAccount.labels } } : {}),
    },
  };
  if (pod.labels) values.podLabels = { ...pod.labels };
  if (pod.annotations) values.podAnnotations = { ...pod.annotations };
  if (pod.nodeSelector) values.nodeSelector = { ...pod.nodeSelector };
  // The chart mounts `volumeMounts` and sets `extraEnv` in the controller container only (its
  // templates/deployment.yaml), the one that talks to the cloud.
  if (pod.volumes?.length) {
    values.volumes = pod.volumes.map(kubeVolume);
    values.volumeMounts = pod.volumes.map(kubeVolumeMount);
  }
  if (pod.env?.length) values.extraEnv = pod.env.map((e) => ({ name: e.name, value: e.value }));
  if (config.controllerArgs.length > 0) values.extraArgs = [...config.controllerArgs];
  if (config.leaderElectionNamespace) values.global = { leaderElection: { namespace: config.leaderElectionNamespace } };
  return sortKeys(values);
}
