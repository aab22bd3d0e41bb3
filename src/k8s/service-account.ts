/**
 * A ServiceAccount bound to a cloud identity. The identity method supplies the annotations and
 * labels; this module owns naming, namespace and the token-mount default. Laid out as cdk8s would
 * (src/k8s/kube-object.ts), with wi-gen's managed-by label under the method's.
 */
import type { ServiceAccountBinding } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { mergeMaps } from './labels.js';
import { kubeObject } from './kube-object.js';

/** The ServiceAccount of a binding wi-gen creates. */
export function boundServiceAccount(binding: ServiceAccountBinding, context: MethodContext): Record<string, unknown> {
  const meta = binding.identity.method.serviceAccountMetadata(binding, context);
  const annotations = mergeMaps(meta.annotations);
  const labels = mergeMaps(meta.labels);
  return kubeObject({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: binding.name, namespace: binding.namespace, ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) },
    // Always written, as cdk8s-plus did: the Kubernetes default (true) is not what we want.
    automountServiceAccountToken: binding.automountToken,
  });
}
