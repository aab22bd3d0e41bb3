/**
 * A ServiceAccount bound to a cloud identity. The identity method supplies the annotations and
 * labels; this module owns naming, namespace, the managed-by label and the token-mount default.
 *
 * Built as the plain object cdk8s' `ApiObject` synthesizes in a chart labelled with
 * MANAGED_BY_LABELS (keys sorted, then apiVersion, kind and metadata first; the object's labels
 * win over the chart's; empty maps left out), not through a construct: one construct tree per
 * binding cost a third of a 10,000-binding render's time in cdk8s and constructs, and most of
 * its memory. test/service-account.test.ts synthesizes the same props with cdk8s for every spec
 * of the matrix and requires the same bytes.
 */
import type { ServiceAccountBinding } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { sortKeys } from '../format/yaml.js';
import { MANAGED_BY_LABELS, mergeMaps } from './labels.js';

/** The ServiceAccount of a binding wi-gen creates, as cdk8s would write it. */
export function boundServiceAccount(binding: ServiceAccountBinding, context: MethodContext): Record<string, unknown> {
  const meta = binding.identity.method.serviceAccountMetadata(binding, context);
  const annotations = mergeMaps(meta.annotations);
  const labels = mergeMaps(MANAGED_BY_LABELS, meta.labels) as Record<string, string>;
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      ...(annotations ? { annotations: sortKeys(annotations) } : {}),
      labels: sortKeys(labels),
      name: binding.name,
      namespace: binding.namespace,
    },
    // Always written, as cdk8s-plus did: the Kubernetes default (true) is not what we want.
    automountServiceAccountToken: binding.automountToken,
  };
}
